using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PcapWatch.Dashboard;

/// <summary>
/// Every response: security headers (a CSP without inline script, no framing, no sniffing, no referrer, no caching:
/// the page shows who is watched). Every request: read-only (GET and HEAD); a Host that is an address, localhost or one
/// of <c>AllowedHosts</c> — always, so that a web page elsewhere cannot reach it through DNS rebinding, nor put up a
/// login prompt under its own name; then credentials when any are configured or the dashboard listens beyond loopback,
/// with failed logins logged (the user's name, never the password) and slowed per client (<see cref="LoginThrottle"/>);
/// then the user's role (a viewer reads no packet records), every read of personal data audited (<see
/// cref="DashboardAudit"/>), refused or not.
/// </summary>
internal sealed class AccessGate(DashboardCredentials credentials, IPAddress listen, IReadOnlyCollection<string> allowedHosts,
    LoginThrottle throttle, DashboardAudit audit, ILogger log)
{
    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly bool _authenticate = credentials.Any || DashboardCredentials.Required(listen);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "no-store";

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            headers.Allow = "GET, HEAD";
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed; // read-only
            return;
        }
        if (!IsAllowedHost(context.Request.Host.Host))
        {
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return;
        }
        var user = _authenticate ? Authenticated(context) : SignedIn.Local;
        if (user is null) return;
        var kind = PersonalDataPaths.Of(context.Request.Path);
        bool refused = !user.MayRead(kind);
        if (kind != PersonalData.None) audit.Record(context, user, refused);
        if (refused)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { error = $"a {user.RoleName} reads counts and charts only" });
            return;
        }
        user.AttachTo(context);
        await next(context);
    }

    /// <summary>
    /// An address written as such cannot be rebound (DNS rebinding needs a name); localhost is this machine; any other
    /// name only when the operator lists it.
    /// </summary>
    private bool IsAllowedHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(host.Trim('[', ']'), out _)
        || allowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    /// <summary>The user the request's credentials prove; if none, it has been answered (401, or 429 while throttled).</summary>
    private SignedIn? Authenticated(HttpContext context)
    {
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var wait = throttle.Wait(client);
        if (wait > TimeSpan.Zero)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return null;
        }
        string? authorization = context.Request.Headers.Authorization;
        if (credentials.Authenticate(authorization) is { } user)
        {
            throttle.Succeeded(client);
            return new SignedIn(user.Name, user.Role);
        }
        if (!string.IsNullOrEmpty(authorization)) // no header at all is a browser's first request, not a guess
        {
            var lockout = throttle.Failed(client);
            log.LogWarning("Dashboard login failed for {Claimant} from {Client}; {Refusal}", DashboardCredentials.Claimant(authorization), client,
                lockout > TimeSpan.Zero ? $"refused for {lockout.TotalSeconds:F0} s" : "not yet slowed");
        }
        var headers = context.Response.Headers;
        if (credentials.AllowsBasic) headers.WWWAuthenticate = "Basic realm=\"PcapWatch\", charset=\"UTF-8\"";
        else headers.WWWAuthenticate = "Bearer realm=\"PcapWatch\"";
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return null;
    }
}
