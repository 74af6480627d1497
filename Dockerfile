FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY service service
COPY events events
COPY migrations migrations
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["policy-timeline", "serve", "--host", "0.0.0.0"]
