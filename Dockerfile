# The service for a PostgreSQL server of its own (DATABASE_URL): no embedded PostgreSQL.
FROM python:3.12-slim
WORKDIR /app
# The locked dependencies first, checked by hash, so that a code change reuses their layer.
COPY requirements/service.txt requirements/service.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/service.txt
COPY pyproject.toml README.md alembic.ini ./
COPY service service
COPY events events
COPY migrations migrations
RUN pip install --no-cache-dir --no-deps .
USER nobody
EXPOSE 8000
CMD ["policy-timeline", "serve", "--host", "0.0.0.0"]
