# The production image: gunicorn for the web, and the same image for the Celery worker and beat
# (see docker-compose.yml). Build: docker build -t naas .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=naas.settings.production

# WeasyPrint needs Pango and HarfBuzz's subsetter (about 6x slower without it); Liberation gives
# Arial's metrics. Node.js and npm install GOV.UK Frontend from package-lock.json.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-noto-cjk nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

COPY . .

# collectstatic only reads files: the secret, hosts, database and broker here are build-time
# placeholders, never used at run time (docker-compose.yml passes the real ones).
RUN DJANGO_SECRET_KEY=build-time-placeholder-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

RUN useradd --system --create-home --home-dir /home/naas naas \
    && mkdir -p /app/media \
    && chown naas:naas /app/media
USER naas

EXPOSE 8000
CMD ["gunicorn", "naas.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
