using Confluent.Kafka;
using PcapWatch.Cli.Configuration;
using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.Cli;

/// <summary>
/// What the program's exit code says, by class of failure, so scripts and orchestrators can tell a broken
/// configuration from a broker that is not there from a bug. Shown in <c>--help</c> and docs/operations.md.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Bug = 1;
    public const int Usage = 2;
    public const int Kafka = 3;
    public const int NotWatched = 4;

    public const string Help = "Exit codes: 0 ok; 2 usage, settings, input (file and line named) or the state directory (unwritable, "
        + "read-only, full); 3 Kafka unreachable, authentication or authorisation refused, a required topic missing, or a record "
        + "refused for longer than --refused-record-timeout; 4 who: an address is not watched; "
        + "1 a bug (please report it). Errors are one line on stderr; --log-level Debug adds the stack trace.";

    /// <summary>The exit code for what stopped a command, and the one line that says what and where.</summary>
    public static (int Code, string Line) Classify(Exception ex) => ex switch
    {
        SettingsException or StateDirectoryException => (Usage, $"Invalid settings: {ex.Message}"),
        PcapWatch.Tables.StoreUnavailableException => (Usage, $"State directory unusable: {ex.Message}"),
        InputException => (Usage, $"Invalid input: {ex.Message}"),
        KafkaUnavailableException => (Kafka, ex.Message),
        KafkaException k when KafkaConnectivity.IsRefusal(k.Error.Code) =>
            (Kafka, $"Kafka refused the credentials or a permission: {k.Error.Code} ({k.Error.Reason})"),
        KafkaException k when k.Error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown
            or ErrorCode.Local_Resolve or ErrorCode.Local_TimedOut =>
            (Kafka, $"Kafka unreachable: {k.Error.Reason}"),
        _ => (Bug, $"PcapWatch failed: {ex.GetType().Name}: {ex.Message} (a bug; please report it, with the output of --log-level Debug)"),
    };
}
