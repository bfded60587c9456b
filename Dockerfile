# PcapWatch as a container (used by docker-compose.yml). Build: docker build -t pcapwatch .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# Self-contained and ReadyToRun composite: the program, its packages and the .NET runtime compiled ahead of time into
# one image, so a start compiles little (first match from process start: docs/operations.md). The SDK offers the
# composite only to self-contained publishes.
RUN dotnet publish src/PcapWatch/PcapWatch.csproj -c Release --use-current-runtime --self-contained true \
      -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o /app

# The program carries its own runtime (ASP.NET Core's shared framework, which the dashboard uses, included): the base
# image needs only the libraries .NET runs on.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app .
# The service needs no privilege: it runs as the image's non-root user (app, $APP_UID), which owns only its state. The
# program stays root's, so the service cannot change it. tests/…/UnprivilegedTests runs this layout as an unprivileged
# user (no Docker engine there).
RUN mkdir -p /var/lib/pcapwatch && chown "$APP_UID:$APP_UID" /var/lib/pcapwatch && chmod 0700 /var/lib/pcapwatch
USER $APP_UID
VOLUME /var/lib/pcapwatch
ENTRYPOINT ["/app/PcapWatch"]
CMD ["--help"]
