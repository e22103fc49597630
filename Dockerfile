# syntax=docker/dockerfile:1
# Build: docker build -t cloudalmbridge .
# Run:   docker run -p 8080:8080 -v bridge-data:/app/data -e Bridge__... cloudalmbridge

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Restore first, from the project files only, so the layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/ eng/
COPY src/Directory.Build.props src/
COPY src/CloudAlmBridge.Mapping/CloudAlmBridge.Mapping.csproj src/CloudAlmBridge.Mapping/
COPY src/CloudAlmBridge/CloudAlmBridge.csproj src/CloudAlmBridge/
RUN dotnet restore src/CloudAlmBridge/CloudAlmBridge.csproj

COPY src/ src/
RUN dotnet publish src/CloudAlmBridge/CloudAlmBridge.csproj --no-restore -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app .

# The SQLite file lives in a volume owned by the image's non-root user ("app", uid 1654).
RUN mkdir -p /app/data && chown app:app /app/data
VOLUME /app/data
USER $APP_UID

ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Bridge__Storage__ConnectionString="Data Source=/app/data/bridge.db"
EXPOSE 8080
# The image has no curl, and dash cannot open a socket: the bridge asks its own readiness (compose.yaml does the same).
HEALTHCHECK --interval=10s --timeout=5s --retries=5 CMD ["dotnet", "CloudAlmBridge.dll", "--probe", "ready"]
ENTRYPOINT ["dotnet", "CloudAlmBridge.dll"]
