"""python manage.py seed_demo: the Korean worked example of DOMAIN.md, a demo workshop with two
teams, and a demo facilitator.

Idempotent: when the demo map exists already, nothing changes.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from maps import examples
from maps.models import (
    ActionPlan,
    Card,
    EmotionCard,
    JourneyMap,
    Lane,
    MapType,
    MotEvent,
    Persona,
    TouchpointFigures,
    WorkRole,
)
from workshops.access import Author
from workshops.actions.facilitation import close_workshop, create_workshop
from workshops.broadcast import action
from workshops.models import Workshop

DEMO_USERNAME = "facilitator"
DEMO_PASSWORD = "journeymap-demo"  # noqa: S105 (a published demo login, like the data)
DEMO_TITLE = "에너지 투자 플랫폼: 첫 투자에서 세 번째 투자까지"

STAGES = ["인지", "고려", "구매", "유지 및 추천"]
DEMO_WORKSHOP = "고객 여정 지도 워크숍 (데모)"
DEMO_TEAMS = ["1팀 · 에너지 투자", "2팀 · 온라인 상담"]
# A workshop already held: its teams' maps are the loan example, so the workshop PDF and
# the plans pages show what the product gives a manager on the first run.
DEMO_FINISHED = "대출 여정 워크숍 (지난 회차, 데모)"
DEMO_FINISHED_TEAMS = ["1팀 · 모바일 대출", "2팀 · 지점 대출"]

# (stage index, lane, text, touchpoint extras)
CARDS = [
    (0, Lane.ACTION, "지인의 추천으로 에너지 투자 플랫폼을 처음 알게 된다", {}),
    (0, Lane.ACTION, "포털에서 '안정적인 재테크'를 검색한다", {}),
    (0, Lane.TOUCHPOINT, "SNS 광고: 연 수익률 강조 배너", {"channel": "social", "is_direct": True}),
    (0, Lane.TOUCHPOINT, "재테크 카페의 후기 글", {"channel": "review_site", "is_direct": False}),
    (0, Lane.THOUGHT, "이런 투자는 처음인데 믿을 만할까?", {}),
    (1, Lane.ACTION, "메인 상품 페이지를 세 번 이상 다시 본다", {}),
    (1, Lane.ACTION, "다른 투자 상품과 수익률을 비교한다", {}),
    (
        1,
        Lane.TOUCHPOINT,
        "웹사이트 메인 상품 페이지",
        {"channel": "website", "is_direct": True, "is_mot": True},
    ),
    (
        1,
        Lane.TOUCHPOINT,
        "유튜브 재테크 인플루언서 리뷰",
        {"channel": "social", "is_direct": False},
    ),
    (1, Lane.THOUGHT, "광고에 나온 수익률이 과장된 건 아닐까?", {}),
    (1, Lane.PAIN_POINT, "핵심 잠재 고객이 정보를 얻는 채널이 너무 적다", {}),
    (
        1,
        Lane.OPPORTUNITY,
        "상품 페이지를 3회 이상 본 방문자에게 월 이자와 이벤트 혜택을 담은 채팅 메시지를 먼저 보낸다",
        {},
    ),
    (2, Lane.ACTION, "회원 가입 후 본인 인증을 한다", {}),
    (2, Lane.ACTION, "첫 투자금을 결제한다", {}),
    (2, Lane.TOUCHPOINT, "앱 결제 화면", {"channel": "app", "is_direct": True, "is_mot": True}),
    (2, Lane.TOUCHPOINT, "상담 채팅", {"channel": "chat", "is_direct": True}),
    (2, Lane.THOUGHT, "결제 단계가 왜 이렇게 복잡하지?", {}),
    (2, Lane.PAIN_POINT, "결제 단계가 복잡하고 중간에 이탈한다", {}),
    (2, Lane.OPPORTUNITY, "결제 단계를 세 단계로 줄이고 진행 표시를 보여 준다", {}),
    (3, Lane.ACTION, "매달 이자 입금 알림을 받는다", {}),
    (3, Lane.ACTION, "두 번째, 세 번째 투자를 한다", {}),
    (
        3,
        Lane.TOUCHPOINT,
        "월 이자 입금 알림 이메일",
        {"channel": "email", "is_direct": True, "is_mot": True},
    ),
    (
        3,
        Lane.TOUCHPOINT,
        "친구에게 추천 (입소문)",
        {"channel": "word_of_mouth", "is_direct": False},
    ),
    (3, Lane.THOUGHT, "꾸준히 들어오니 안심이 된다", {}),
    (3, Lane.OPPORTUNITY, "재투자 고객에게 추천 보상 프로그램을 안내한다", {}),
]

# (touchpoint text or None for the stage, stage index, score, words, author)
EMOTIONS = [
    ("SNS 광고: 연 수익률 강조 배너", 0, 1, "관심이 생긴다", "김민지"),
    ("SNS 광고: 연 수익률 강조 배너", 0, 0, "", "박준호"),
    ("재테크 카페의 후기 글", 0, 1, "실제 후기라 믿음이 간다", "이서연"),
    ("재테크 카페의 후기 글", 0, -1, "광고성 글 같기도 하다", "최현우"),
    (None, 0, 1, "", "정유나"),
    ("웹사이트 메인 상품 페이지", 1, -2, "광고 수익률이 과장된 것 아닐까?", "김민지"),
    ("웹사이트 메인 상품 페이지", 1, -1, "위험 설명이 부족하다", "박준호"),
    ("웹사이트 메인 상품 페이지", 1, -1, "", "이서연"),
    ("유튜브 재테크 인플루언서 리뷰", 1, 0, "반신반의", "최현우"),
    ("유튜브 재테크 인플루언서 리뷰", 1, -1, "협찬 영상인지 모르겠다", "정유나"),
    ("앱 결제 화면", 2, -2, "결제 단계가 복잡하다", "김민지"),
    ("앱 결제 화면", 2, -2, "본인 인증이 두 번이나 필요하다", "박준호"),
    ("앱 결제 화면", 2, -1, "", "이서연"),
    ("상담 채팅", 2, 1, "답변이 빨랐다", "최현우"),
    ("상담 채팅", 2, 0, "", "정유나"),
    ("월 이자 입금 알림 이메일", 3, 2, "약속대로 들어온다", "김민지"),
    ("월 이자 입금 알림 이메일", 3, 1, "", "박준호"),
    ("친구에게 추천 (입소문)", 3, 1, "자신 있게 추천한다", "이서연"),
    ("친구에게 추천 (입소문)", 3, 2, "", "최현우"),
    (None, 3, 1, "안정감", "정유나"),
]

# What each author does at work: the curve splits by it, and two touchpoints show a gap.
ROLES = {
    "김민지": WorkRole.CS,
    "박준호": WorkRole.MARKETING,
    "이서연": WorkRole.CS,
    "최현우": WorkRole.MARKETING,
    "정유나": WorkRole.PLANNING,
}

# What the records say (last quarter): the chat the team feels fine about is a blind spot.
FIGURES = {
    "SNS 광고: 연 수익률 강조 배너": {
        "complaints": 3,
        "complaint_types": "과장 광고",
        "source": "analytics",
    },
    "웹사이트 메인 상품 페이지": {
        "drop_off": 38,
        "complaints": 9,
        "complaint_types": "수익률 설명 부족, 위험 고지 누락",
        "source": "analytics",
    },
    "앱 결제 화면": {
        "drop_off": 27,
        "complaints": 18,
        "complaint_types": "본인 인증 반복, 결제 오류",
        "satisfaction": 58,
        "satisfaction_target": 80,
        "source": "cs",
    },
    "상담 채팅": {
        "complaints": 41,
        "complaint_types": "답변 지연, 상담원 연결 실패, 같은 질문 반복",
        "response_hours": 31,
        "response_target_hours": 24,
        "satisfaction": 64,
        "satisfaction_target": 85,
        "source": "cs",
    },
    "월 이자 입금 알림 이메일": {
        "complaints": 2,
        "satisfaction": 91,
        "satisfaction_target": 85,
        "source": "survey",
    },
}


class Command(BaseCommand):
    help = "Load the Korean demo journey map and a demo facilitator login (idempotent)."

    def handle(self, *args, **options):
        self.ensure_facilitator()
        if JourneyMap.objects.filter(title=DEMO_TITLE).exists():
            self.stdout.write("Demo map already loaded; nothing changed.")
        else:
            journey_map = load_demo_map()
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo map #{journey_map.pk}."))
        workshop = self.ensure_workshop()
        self.ensure_finished_workshop()
        self.stdout.write(
            f"Demo workshop: console /workshops/{workshop.pk}/ · join at /join/ "
            f"with the code {workshop.code_display}"
        )

    def ensure_workshop(self) -> Workshop:
        """Two teams with fresh maps, to run the four steps from the start. Its date moves to
        today when it has passed, so the join code keeps working on a demo machine."""
        workshop = Workshop.objects.filter(title=DEMO_WORKSHOP).first()
        if workshop is None:
            facilitator = get_user_model().objects.get(username=DEMO_USERNAME)
            return create_workshop(
                title=DEMO_WORKSHOP,
                date=timezone.localdate(),
                teams=DEMO_TEAMS,
                preset="funnel",
                by=Author(name=facilitator.get_full_name(), user=facilitator),
            )
        if workshop.date < timezone.localdate() and not workshop.is_closed:
            workshop.date = timezone.localdate()
            workshop.save(update_fields=["date"])
        return workshop

    def ensure_finished_workshop(self) -> None:
        if Workshop.objects.filter(title=DEMO_FINISHED).exists():
            return
        facilitator = get_user_model().objects.get(username=DEMO_USERNAME)
        by = Author(name=facilitator.get_full_name(), user=facilitator)
        held = create_workshop(
            title=DEMO_FINISHED,
            date=timezone.localdate() - datetime.timedelta(days=14),
            teams=DEMO_FINISHED_TEAMS,
            preset="funnel",
            source=examples.as_of_today(examples.get("loan")),
            by=by,
        )
        close_workshop(held, by=by)

    def ensure_facilitator(self) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"first_name": "데모 퍼실리테이터", "is_staff": True, "is_superuser": True},
        )
        if not created:
            return
        # The published demo password only where nobody else can reach the server (DEBUG, as
        # `make run` seeds it); in production a random one, shown this once.
        password = DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(15)
        user.set_password(password)
        user.save()
        self.stdout.write(f"Created the demo facilitator '{DEMO_USERNAME}'.")
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    f"Its password, shown only now: {password}  (DEBUG is off, so not the demo "
                    "password of the README; change it in the admin.)"
                )
            )


@action
def load_demo_map() -> JourneyMap:
    """The worked example as a new map (nobody is in its room yet: nothing to push)."""
    persona = Persona.objects.create(
        name="안정 추구형 50대 투자자 김정훈",
        profile="56세, 중견기업 부장, 자녀 둘은 대학생. 재무적으로 안정되어 있고 은퇴를 준비한다.",
        goals="원금을 지키면서 꾸준한 이자 수익을 얻는다.",
        needs="믿을 수 있는 정보, 간단한 결제, 정기적인 수익 알림.",
        frustrations="과장 광고, 복잡한 본인 인증과 결제 단계.",
        quote="크게 벌기보다 꾸준히 받고 싶어요.",
    )
    journey_map = JourneyMap.objects.create(
        title=DEMO_TITLE,
        topic="핵심 잠재 고객의 재투자율 높이기",
        map_type=MapType.CURRENT,
        persona=persona,
        situation="노후 자금을 안정적으로 불릴 방법을 찾다가 에너지 투자 플랫폼을 알게 되었다.",
        expectations="광고한 수익률이 사실이고, 투자와 결제가 쉽고, 이자가 꼬박꼬박 들어오기를 기대한다.",
        start_point="첫 투자를 했다",
        end_point="세 번째 투자를 한다",
        created_by=get_user_model().objects.get(username=DEMO_USERNAME),
    )
    stages = [journey_map.add_stage(name) for name in STAGES]
    cards = {}
    for index, lane, text, extra in CARDS:
        stage = stages[index]
        cards[text] = Card.objects.create(
            journey_map=journey_map,
            stage=stage,
            lane=lane,
            text=text,
            position=stage.cards.filter(lane=lane).count(),
            **extra,
        )
    for touchpoint, index, score, words, author in EMOTIONS:
        EmotionCard.objects.create(
            journey_map=journey_map,
            stage=stages[index],
            touchpoint=cards[touchpoint] if touchpoint else None,
            score=score,
            words=words,
            author_name=author,
            author_role=ROLES[author],
        )
    # The team chose its MOTs by a dot vote: the ledger (/maps/mots/) has them from the start.
    chosen = Card.objects.filter(journey_map=journey_map, is_mot=True)
    MotEvent.record(chosen.select_related("stage", "journey_map"), flagged=True, how="vote")
    today = timezone.localdate()
    for text, figures in FIGURES.items():
        TouchpointFigures.objects.create(
            touchpoint=cards[text],
            period_start=today - datetime.timedelta(days=90),
            period_end=today,
            measured_on=today,
            **figures,
        )
    opportunity = cards[CARDS[11][2]]
    ActionPlan.objects.create(
        journey_map=journey_map,
        opportunity=opportunity,
        what="상품 페이지 3회 이상 방문자 대상 선제 채팅 메시지 도입",
        owner="마케팅 팀장",
        due_date=today + datetime.timedelta(weeks=3),
    )
    ActionPlan.objects.create(
        journey_map=journey_map,
        opportunity=cards[CARDS[18][2]],
        what="결제 단계 간소화 시안 작성",
        owner="UX 디자이너",
        due_date=today + datetime.timedelta(weeks=5),
        status=ActionPlan.Status.DOING,
    )
    return journey_map
