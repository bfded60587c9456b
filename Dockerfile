# PcapWatch as a container (used by docker-compose.yml). Build: docker build -t pcapwatch .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# ReadyToRun: the assemblies are compiled ahead of time, so a start waits less for the JIT (first match from process
# start: docs/operations.md).
RUN dotnet publish src/PcapWatch/PcapWatch.csproj -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o /app

# The ASP.NET Core runtime, not the bare one: the program uses its shared framework (the dashboard).
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
VOLUME /var/lib/pcapwatch
ENTRYPOINT ["dotnet", "PcapWatch.dll"]
CMD ["--help"]
