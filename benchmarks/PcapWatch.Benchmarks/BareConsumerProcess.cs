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
            var clock = new SelfClock(packets, warmUp);
            var lastRecord = Stopwatch.StartNew();
            while (clock.Count < packets)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is null)
                {
                    // Records the broker no longer holds (a partition past its retention) would be waited for in vain.
                    if (lastRecord.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{clock.Count} of {packets} records, then none for a minute");
                    continue;
                }
                lastRecord.Restart();
                clock.OnRecord();
            }
            var outcome = clock.End();
            consumer.Close();
            return outcome;
        }
    }

    private static Outcome ConsumeInBatches(IConsumer<Ignore, Ignore> consumer, string[] topics, long packets, double warmUp)
    {
        using (consumer)
        {
            consumer.Subscribe(topics);
            var clock = new SelfClock(packets, warmUp);
            BatchFloor.Consume(consumer, packets, _ => clock.OnRecord());
            var outcome = clock.End();
            consumer.Close();
            return outcome;
        }
    }

    /// <summary>A consumer timing itself: its first record, the window's start a share of the way in, and its last record.</summary>
    private sealed class SelfClock(long packets, double warmUp)
    {
        private readonly long _warm = Math.Max(1, (long)(packets * warmUp));
        private readonly Process _self = Process.GetCurrentProcess();
        private double _first, _windowStart, _cpuStart;
        private long _jitStart, _allocStart;

        public long Count { get; private set; }

        public void OnRecord()
        {
            if (++Count == 1) _first = SinceProcessStart();
            if (Count != _warm) return;
            (_windowStart, _cpuStart) = (SinceProcessStart(), SteadyWindow.CpuSecondsOf(_self));
            (_jitStart, _allocStart) = (System.Runtime.JitInfo.GetCompiledMethodCount(), GC.GetTotalAllocatedBytes());
        }

        public Outcome End()
        {
            double last = SinceProcessStart(), cpuEnd = SteadyWindow.CpuSecondsOf(_self);
            var window = new SteadyWindow(packets - _warm, last - _windowStart, cpuEnd - _cpuStart,
                System.Runtime.JitInfo.GetCompiledMethodCount() - _jitStart, GC.GetTotalAllocatedBytes() - _allocStart);
            _self.Dispose();
            return new Outcome(_first, last, window);
        }

        private double SinceProcessStart() => (DateTime.Now - _self.StartTime).TotalSeconds;
    }

    /// <summary>Reads the value where librdkafka holds it and copies nothing.</summary>
    private sealed class LengthInPlace : IDeserializer<int>
    {
        public int Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull ? 0 : data.Length;
    }
}
