using System.Net;
using Microsoft.AspNetCore.Http;

namespace PcapWatch.Dashboard;

/// <summary>
/// Every response: security headers (a CSP without inline script, no framing, no sniffing, no referrer, no caching:
/// the page shows who is watched). Every request: read-only (GET and HEAD), credentials when any are configured or the
/// dashboard listens beyond loopback, and — open on loopback — a loopback Host, so a web page elsewhere cannot reach it
/// through DNS rebinding.
/// </summary>
internal sealed class AccessGate(DashboardCredentials credentials, IPAddress listen)
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
        if (_authenticate)
        {
            if (!credentials.Accept(context.Request.Headers.Authorization))
            {
                if (credentials.AllowsBasic) headers.WWWAuthenticate = "Basic realm=\"PcapWatch\", charset=\"UTF-8\"";
                else headers.WWWAuthenticate = "Bearer realm=\"PcapWatch\"";
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
        }
        else if (!IsLoopbackHost(context.Request.Host.Host))
        {
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return;
        }
        await next(context);
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
