# PcapWatch as a container (used by docker-compose.yml). Build: docker build -t pcapwatch .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/PcapWatch/PcapWatch.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
VOLUME /var/lib/pcapwatch
ENTRYPOINT ["dotnet", "PcapWatch.dll"]
CMD ["--help"]
