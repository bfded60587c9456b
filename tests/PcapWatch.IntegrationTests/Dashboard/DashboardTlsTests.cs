using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Dashboard;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// Issue "A page fit for personal data": HTTPS from a certificate in the settings (PEM, or PFX with its password),
/// with a certificate this test makes; plain HTTP beyond loopback only when the settings say so. The command as a
/// process, over real HTTPS.
/// </summary>
public class DashboardTlsTests
{
    private const string Token = "t0ken-for-the-tls-tests";
    private const string PfxPassword = "pfx pass phrase";
    private static readonly Dictionary<string, string> ScriptUser = TestUsers.Environment(TestUsers.User("script", DashboardRole.Viewer, token: Token));
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private EmbeddedBroker _broker = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public void StartBroker()
    {
        _broker = EmbeddedBroker.Start();
        _broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        _dir = Directory.CreateTempSubdirectory("pcapwatch-tls-").FullName;
    }

    [OneTimeTearDown]
    public void StopBroker()
    {
        _broker.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [TestCase("pem")]
    [TestCase("pfx")]
    public void The_page_speaks_https_with_the_certificate_from_the_settings(string form)
    {
        using var certificate = MakeCertificate(form, out var settings);
        foreach (var (key, value) in ScriptUser) settings[key] = value;
        using var dashboard = CliProcess.StartIn(null, settings, null, "dashboard", "-b", _broker.BootstrapServers, "--listen", "0.0.0.0", "--port", "0");
        var address = dashboard.WaitForDashboardAddress(Patience);
        Assert.That(address.Scheme, Is.EqualTo("https"));

        using var handler = new HttpClientHandler
        {
            // This test's own certificate, and only it: the page presented what the settings named.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{address.Port}/") };
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using (var summary = https.GetAsync("api/summary").GetAwaiter().GetResult())
        {
            Assert.That(summary.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{address.Port}/") };
        plain.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.That(PlainStatus(plain), Is.Not.EqualTo(HttpStatusCode.OK), "the port speaks TLS only");

        dashboard.Terminate();
        Assert.That(dashboard.WaitForExit(Patience), Is.Zero, () => string.Join("\n", dashboard.Logs));
        Assert.That(string.Join("\n", dashboard.Logs), Does.Not.Contain(PfxPassword));
    }

    [Test]
    public void Plain_http_beyond_loopback_is_refused_unless_the_settings_allow_it()
    {
        var token = new Dictionary<string, string>(ScriptUser);
        using (var refused = CliProcess.StartIn(null, token, null, "dashboard", "-b", _broker.BootstrapServers, "--listen", "0.0.0.0", "--port", "0"))
        {
            Assert.That(refused.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", refused.Logs));
            Assert.That(string.Join("\n", refused.Logs), Does.Contain("over plain HTTP").And.Contain("Dashboard:CertificateFile"));
        }
        token["PCAPWATCH__Dashboard__AllowHttp"] = "true";
        using var allowed = CliProcess.StartIn(null, token, null, "dashboard", "-b", _broker.BootstrapServers, "--listen", "0.0.0.0", "--port", "0");
        Assert.That(allowed.WaitForDashboardAddress(Patience).Scheme, Is.EqualTo("http"));
        allowed.Terminate();
        Assert.That(allowed.WaitForExit(Patience), Is.Zero, () => string.Join("\n", allowed.Logs));
    }

    [Test]
    public void A_certificate_file_that_cannot_be_read_stops_the_command_with_a_settings_error()
    {
        var garbage = Path.Combine(_dir, "not-a-certificate.pem");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        var settings = new Dictionary<string, string>(ScriptUser) { ["PCAPWATCH__Dashboard__CertificateFile"] = garbage };
        using var refused = CliProcess.StartIn(null, settings, null, "dashboard", "-b", _broker.BootstrapServers, "--listen", "0.0.0.0", "--port", "0");
        Assert.That(refused.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", refused.Logs));
        Assert.That(string.Join("\n", refused.Logs), Does.Contain($"Dashboard:CertificateFile {garbage}"));
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, written as the settings will name it.</summary>
    private X509Certificate2 MakeCertificate(string form, out Dictionary<string, string> settings)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=pcapwatch-tls-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var stem = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        if (form == "pfx")
        {
            File.WriteAllBytes(stem + ".pfx", certificate.Export(X509ContentType.Pkcs12, PfxPassword));
            settings = new() { ["PCAPWATCH__Dashboard__CertificateFile"] = stem + ".pfx", ["PCAPWATCH__Dashboard__CertificatePassword"] = PfxPassword };
        }
        else
        {
            File.WriteAllText(stem + ".crt", certificate.ExportCertificatePem());
            File.WriteAllText(stem + ".key", key.ExportPkcs8PrivateKeyPem());
            settings = new() { ["PCAPWATCH__Dashboard__CertificateFile"] = stem + ".crt", ["PCAPWATCH__Dashboard__CertificateKeyFile"] = stem + ".key" };
        }
        return certificate;
    }

    private static HttpStatusCode? PlainStatus(HttpClient plain)
    {
        try
        {
            using var response = plain.GetAsync("api/summary").GetAwaiter().GetResult();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // the TLS port closed the connection: what a plain request should get
        }
    }
}
