# Multi-stage build: dependencies are built once, the runtime image has no compilers and runs as non-root.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY portal portal
COPY publishers publishers
COPY datapackages datapackages
COPY synthetic synthetic
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 portal
COPY --from=build /install /usr/local
ENV PORTAL_INSTANCE_PATH=/var/lib/portal \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN mkdir -p /var/lib/portal && chown portal /var/lib/portal
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,json,sys; r=urllib.request.urlopen('http://127.0.0.1:8000/api/3/action/status_show', timeout=4); sys.exit(0 if json.load(r)['success'] else 1)"
# Workers and threads come from GUNICORN_CMD_ARGS so operators can set them (command-line flags would win over it),
# e.g. "--workers 8 --threads 4 --forwarded-allow-ips=10.0.0.5"; see docs/deploy.md.
ENV GUNICORN_CMD_ARGS="--workers 4 --threads 4"
# Migrations run once per deployment (`portal db upgrade`), not on every process start.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "portal.wsgi:app"]
