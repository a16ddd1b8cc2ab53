# journeymap web app: daphne serving Django + Channels. Used by docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    JOURNEYMAP_VAR_DIR=/var/lib/journeymap
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-nanum fonts-wqy-microhei \
    fonts-noto-color-emoji chromium \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install -e .
COPY . .

RUN useradd --system --home /app journeymap && mkdir -p /var/lib/journeymap \
 && chown journeymap /var/lib/journeymap
USER journeymap
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && daphne -b 0.0.0.0 -p 8000 --websocket_connect_timeout 30 --proxy-headers journeymap.asgi:application"]
