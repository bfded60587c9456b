using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>e2e-consumer --kind bytes|inplace --bootstrap B --topic T[,T2] --packets N [--warm-up F]</c>: the floor, as a process
/// of its own. A
/// Confluent.Kafka consumer that does nothing with the records, as fast as the client goes: <c>byte[]</c> values (a copy
/// each), or values read in place over the native buffer by a deserializer (<c>inplace</c>, the floor any pipeline on this
/// client stands on). It measures itself — its steady window (<see cref="SteadyWindow"/>) and its times since its own
/// process started — and prints one RESULT line for the benchmark that started it.
/// </summary>
internal static class BareConsumerProcess
{
    public static int Run(string[] args)
    {
        var kind = BenchmarkArgs.Text(args, "--kind") ?? "inplace";
        var bootstrap = BenchmarkArgs.Text(args, "--bootstrap") ?? throw new ArgumentException("--bootstrap");
        var topics = (BenchmarkArgs.Text(args, "--topic") ?? TopicNames.Default.Pcap).Split(',');
        long packets = BenchmarkArgs.Int(args, "--packets", 0);
        double warmUp = BenchmarkArgs.Text(args, "--warm-up") is { } w ? double.Parse(w, CultureInfo.InvariantCulture) : SteadyWindow.WarmUpFraction;
        var config = ClientSettings.Consumer(bootstrap, "bare-" + Guid.NewGuid().ToString("N"));
        config.ConsumeResultFields = "none";
        var outcome = kind == "batch" ? ConsumeInBatches(new ConsumerBuilder<Ignore, Ignore>(config).Build(), topics, packets, warmUp)
            : kind == "bytes"
            ? Consume(new ConsumerBuilder<Ignore, byte[]?>(config).Build(), topics, packets, warmUp)
            : Consume(new ConsumerBuilder<Ignore, int>(config).SetValueDeserializer(new LengthInPlace()).Build(), topics, packets, warmUp);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT e2e-consumer kind={kind} first_record_s={outcome.First:F3} last_record_s={outcome.Last:F3} {outcome.Window.Fields("")}"));
        return 0;
    }

    private readonly record struct Outcome(double First, double Last, SteadyWindow Window);

    private static Outcome Consume<TValue>(IConsumer<Ignore, TValue> consumer, string[] topics, long packets, double warmUp)
    {
        using (consumer)
        {
            consumer.Subscribe(topics);
            long warm = Math.Max(1, (long)(packets * warmUp)), count = 0;
            double first = 0, windowStart = 0, cpuStart = 0;
            long jitStart = 0, allocStart = 0;
            using var self = Process.GetCurrentProcess();
            var lastRecord = Stopwatch.StartNew();
            while (count < packets)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is null)
                {
                    // Records the broker no longer holds (a partition past its retention) would be waited for in vain.
                    if (lastRecord.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{count} of {packets} records, then none for a minute");
                    continue;
                }
                lastRecord.Restart();
                if (++count == 1) first = SinceProcessStart(self);
                if (count == warm)
                {
                    (windowStart, cpuStart) = (SinceProcessStart(self), SteadyWindow.CpuSecondsOf(self));
                    (jitStart, allocStart) = (System.Runtime.JitInfo.GetCompiledMethodCount(), GC.GetTotalAllocatedBytes());
                }
            }
            double last = SinceProcessStart(self), cpuEnd = SteadyWindow.CpuSecondsOf(self);
            var window = new SteadyWindow(packets - warm, last - windowStart, cpuEnd - cpuStart,
                System.Runtime.JitInfo.GetCompiledMethodCount() - jitStart, GC.GetTotalAllocatedBytes() - allocStart);
            consumer.Close();
            return new Outcome(first, last, window);
        }
    }

    private static Outcome ConsumeInBatches(IConsumer<Ignore, Ignore> consumer, string[] topics, long packets, double warmUp)
    {
        using (consumer)
        {
            consumer.Subscribe(topics);
            long warm = Math.Max(1, (long)(packets * warmUp));
            double first = 0, windowStart = 0, cpuStart = 0;
            long jitStart = 0, allocStart = 0;
            using var self = Process.GetCurrentProcess();
            BatchFloor.Consume(consumer, packets, count =>
            {
                if (count == 1) first = SinceProcessStart(self);
                if (count == warm)
                {
                    (windowStart, cpuStart) = (SinceProcessStart(self), SteadyWindow.CpuSecondsOf(self));
                    (jitStart, allocStart) = (System.Runtime.JitInfo.GetCompiledMethodCount(), GC.GetTotalAllocatedBytes());
                }
            });
            double last = SinceProcessStart(self), cpuEnd = SteadyWindow.CpuSecondsOf(self);
            var window = new SteadyWindow(packets - warm, last - windowStart, cpuEnd - cpuStart,
                System.Runtime.JitInfo.GetCompiledMethodCount() - jitStart, GC.GetTotalAllocatedBytes() - allocStart);
            consumer.Close();
            return new Outcome(first, last, window);
        }
    }

    private static double SinceProcessStart(Process self) => (DateTime.Now - self.StartTime).TotalSeconds;

    /// <summary>Reads the value where librdkafka holds it and copies nothing.</summary>
    private sealed class LengthInPlace : IDeserializer<int>
    {
        public int Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull ? 0 : data.Length;
    }
}
