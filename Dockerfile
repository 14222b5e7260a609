# Colophon web image: locked dependencies, static files collected at build,
# gunicorn as a non-root user. Migrations run when the container starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt requirements-build.txt ./
RUN PIP_CONSTRAINT=/app/requirements-build.txt pip install -r requirements.txt

COPY . .

# collectstatic needs settings, not secrets: a throwaway key only for this step.
RUN DJANGO_DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 --home /app colophon \
    && mkdir -p /app/var/media \
    && chown -R colophon /app/var

USER colophon
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --no-input && gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 2 --access-logfile -"]
