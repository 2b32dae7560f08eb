# syntax=docker/dockerfile:1
# Nucleo: one image for the web process (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it; configuration comes from the environment (see .env.example).

# --- build: Python packages, front-end packages from npm, catalogs, static files --------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

# gettext compiles the translation catalogs; Node.js + npm install the front-end packages.
# Both are needed only here, not in the image that runs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext nodejs npm \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

COPY . .

# A throw-away key and DEBUG off, so collectstatic uses the production (manifest) storage.
# Neither value ends up in the final image.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=0 \
    && mkdir -p locale \
    && python manage.py compilemessages --ignore=node_modules \
    && python manage.py collectstatic --noinput

# --- runtime ----------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    WEB_CONCURRENCY=3

RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home nucleo

COPY --from=build /opt/venv /opt/venv
# The code stays owned by root (read-only for the app); only uploaded media is writable.
COPY --from=build /app /app
WORKDIR /app
RUN mkdir -p /app/media && chown nucleo:nucleo /app/media

USER nucleo
EXPOSE 8000

# /healthz checks database, cache and broker. The Host header is the first of
# ALLOWED_HOSTS so that the request is accepted; /healthz is exempt from the SSL redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.').replace('*', '') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=4)"]

# Workers: WEB_CONCURRENCY (3 by default).
CMD ["gunicorn", "nucleo.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
