using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli;

/// <summary>
/// The page's TLS certificate from the settings, as Kestrel takes it: a PFX/PKCS#12 file (with its password), or a PEM
/// certificate with its PEM key (the key encrypted when a password is given). Settings only, never flags: a password in
/// a flag shows in process lists.
/// </summary>
internal static class DashboardCertificate
{
    public static X509Certificate2? Load(DashboardSettings s)
    {
        if (string.IsNullOrWhiteSpace(s.CertificateFile))
        {
            return string.IsNullOrWhiteSpace(s.CertificateKeyFile) ? null
                : throw new SettingsException("Dashboard:CertificateKeyFile is set without Dashboard:CertificateFile");
        }
        try
        {
            var certificate = IsPkcs12(s.CertificateFile)
                ? X509CertificateLoader.LoadPkcs12FromFile(s.CertificateFile, s.CertificatePassword)
                : FromPem(s.CertificateFile, s.CertificateKeyFile ?? s.CertificateFile, s.CertificatePassword);
            return certificate.HasPrivateKey ? certificate
                : throw new SettingsException($"Dashboard:CertificateFile {s.CertificateFile}: no private key (give Dashboard:CertificateKeyFile)");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SettingsException($"Dashboard:CertificateFile {s.CertificateFile}: {ex.Message}");
        }
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static X509Certificate2 FromPem(string certificateFile, string keyFile, string? password) =>
        string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificateFile, keyFile)
            : X509Certificate2.CreateFromEncryptedPemFile(certificateFile, password, keyFile);
}
