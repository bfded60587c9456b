using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace PcapWatch.Kafka;

/// <summary>
/// Waits until the cluster answers: Kafka services are expected to start before their broker does (orchestrators start
/// things in any order; Kafka Streams and ksqlDB wait too). Retries with backoff, says so once per interval, gives up
/// after a timeout if there is one, and stops at once when the broker refuses the credentials.
/// </summary>
public static class ClusterWait
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <param name="client">A client of the caller's, built with <paramref name="kafka"/>.</param>
    /// <param name="serveCallbacks">Serves the client's error callbacks (a consumer's Consume); null for a producer,
    /// whose callbacks its own polling thread serves.</param>
    /// <param name="timeout">Give up after this long; null waits until cancelled.</param>
    /// <param name="logEvery">How often to say that it is still waiting; null says nothing (a tool's one line is its
    /// error).</param>
    /// <param name="admin">An admin client on <paramref name="client"/>'s handle that the caller keeps: asked instead
    /// of one made here, whose disposal takes ~100 ms (its callback thread polls at that interval) — a fifth of a
    /// start-up.</param>
    public static void UntilReachable(IClient client, Action? serveCallbacks, string bootstrapServers, KafkaConnectivity kafka,
        TimeSpan? timeout, TimeSpan? logEvery, ILogger log, CancellationToken cancel, IAdminClient? admin = null)
    {
        using var own = admin is null ? new DependentAdminClientBuilder(client.Handle).Build() : null;
        WaitForMetadata(admin ?? own!, serveCallbacks, bootstrapServers, kafka, timeout, logEvery, log, cancel);
    }

    private static void WaitForMetadata(IAdminClient admin, Action? serveCallbacks, string bootstrapServers, KafkaConnectivity kafka,
        TimeSpan? timeout, TimeSpan? logEvery, ILogger log, CancellationToken cancel)
    {
        var started = DateTime.UtcNow;
        DateTime? lastLine = null;
        var backoff = TimeSpan.FromMilliseconds(250);
        for (int tries = 1; ; tries++)
        {
            cancel.ThrowIfCancellationRequested();
            var elapsed = DateTime.UtcNow - started;
            // A refused connection makes the request wait out its whole timeout: short at first, longer as tries go on.
            var ask = Min(backoff * 4, MaxBackoff);
            if (timeout is { } limit) ask = Min(ask, limit - elapsed);
            try
            {
                admin.GetMetadata(Max(ask, TimeSpan.FromMilliseconds(500)));
                if (lastLine is not null)
                {
                    log.LogInformation("Kafka at {Bootstrap} answered (attempt {Tries}, {Seconds} s)", bootstrapServers, tries,
                        (int)(DateTime.UtcNow - started).TotalSeconds);
                }
                return;
            }
            catch (KafkaException ex)
            {
                serveCallbacks?.Invoke(); // the error callbacks are how the reason (and a refusal) is known
                ThrowIfRefused(kafka, bootstrapServers);
                elapsed = DateTime.UtcNow - started;
                var reason = kafka.LastProblem ?? BrokerMessage.Text(ex.Error.Reason);
                if (timeout is { } giveUp && elapsed >= giveUp)
                {
                    throw new KafkaUnavailableException(KafkaUnavailableReason.Unreachable,
                        $"Kafka at {bootstrapServers} did not answer within {Seconds(giveUp)} s ({reason}, {Tries(tries)})", ex);
                }
                if (logEvery is { } every && (lastLine is null || DateTime.UtcNow - lastLine >= every))
                {
                    log.LogWarning("Waiting for Kafka at {Bootstrap}: {Reason} (attempt {Tries}, {Seconds} s)",
                        bootstrapServers, reason, tries, (int)elapsed.TotalSeconds);
                    lastLine = DateTime.UtcNow;
                }
            }
            var pause = timeout is { } t ? Min(backoff, t - (DateTime.UtcNow - started)) : backoff;
            if (pause > TimeSpan.Zero && cancel.WaitHandle.WaitOne(pause)) cancel.ThrowIfCancellationRequested();
            backoff = Min(backoff * 2, MaxBackoff);
        }
    }

    /// <summary>Stops with exit-code-3 material when the broker refused the credentials or a permission.</summary>
    public static void ThrowIfRefused(KafkaConnectivity kafka, string bootstrapServers)
    {
        if (kafka.Refusal is { } refused)
        {
            throw new KafkaUnavailableException(KafkaUnavailableReason.Refused,
                $"Kafka at {bootstrapServers} refused the connection's credentials or permissions ({refused.Code}: "
                    + $"{refused.Reason}); check the security settings (-X sasl.*, ssl.*)");
        }
    }

    private static string Tries(int n) => n == 1 ? "1 try" : $"{n} tries";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
