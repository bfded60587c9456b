using System.Net;
using System.Net.Sockets;

namespace PcapWatch.IntegrationTests.Infrastructure;

internal static class FreePort
{
    /// <summary>A loopback port free a moment ago, for a process that takes its port as a flag.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
