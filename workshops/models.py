# Workshop rooms, teams and participants arrive with the workshop issue.
