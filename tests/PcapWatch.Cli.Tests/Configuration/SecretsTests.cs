using NUnit.Framework;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli.Tests.Configuration;

public class SecretsTests
{
    [TestCase("sasl.password")]
    [TestCase("sasl.oauthbearer.config")]
    [TestCase("sasl.oauthbearer.client.secret")]
    [TestCase("sasl.oauthbearer.assertion.private.key.passphrase")]
    [TestCase("ssl.key.password")]
    [TestCase("ssl.keystore.password")]
    [TestCase("ssl.key.pem")]
    [TestCase("basic.auth.user.info")]
    [TestCase("bearer.auth.token")]
    public void Credential_properties_are_masked(string property)
    {
        Assert.That(Secrets.Mask(property, "hunter2"), Is.EqualTo("***"));
    }

    [TestCase("http://alice:hunter2@registry:8081", "http://***@registry:8081")]
    [TestCase("https://user@registry", "https://***@registry")]
    [TestCase("http://registry:8081/path@x", "http://registry:8081/path@x")]
    [TestCase("broker:9092", "broker:9092")]
    public void Credentials_in_a_url_are_masked_whatever_the_property(string value, string shown)
    {
        Assert.That(Secrets.Mask("schema.registry.url", value), Is.EqualTo(shown));
    }

    [TestCase("sasl.username")]
    [TestCase("bootstrap.servers")]
    [TestCase("compression.type")]
    public void Ordinary_properties_are_shown(string property)
    {
        Assert.That(Secrets.Mask(property, "value"), Is.EqualTo("value"));
    }
}
