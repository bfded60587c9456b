namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Who may read <c>pcapwatch dashboard</c> when it listens beyond loopback: settings only (the file, or
/// <c>PCAPWATCH__Dashboard__Token</c> and the like), never a flag (flags show in process lists and shell histories); and
/// the page's bounds.
/// </summary>
internal sealed class DashboardSettings
{
    /// <summary>A bearer token for scripts: <c>Authorization: Bearer …</c>.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// A user and password for browsers (HTTP Basic; put TLS in front when it leaves a trusted network).
    /// </summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The page's TLS certificate: a PFX/PKCS#12 file, or a PEM certificate (its key in the same file or in
    /// <see cref="CertificateKeyFile"/>). Without one, the page speaks plain HTTP, on loopback only unless
    /// <see cref="AllowHttp"/>.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>, when it is in a file of its own.</summary>
    public string? CertificateKeyFile { get; set; }

    /// <summary>The PFX's password, or the PEM key's when it is encrypted.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Plain HTTP beyond loopback (behind a proxy that ends TLS, on a network the operator trusts).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Comma list of host names the page answers to besides addresses and localhost (421 for any other Host).
    /// </summary>
    public string AllowedHosts { get; set; } = "";

    /// <summary>Live streams (<c>/api/matches/stream</c>) served at once; one more is refused with 429.</summary>
    public int MaxStreams { get; set; } = PcapWatch.Dashboard.DashboardOptions.DefaultMaxStreams;

    /// <summary>The longest <c>like</c> pattern or employee filter a request may give; longer is refused with 400.</summary>
    public int MaxPatternLength { get; set; } = PcapWatch.Dashboard.DashboardOptions.DefaultMaxPatternLength;
}
