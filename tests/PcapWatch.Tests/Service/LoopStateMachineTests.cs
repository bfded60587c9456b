using System.Diagnostics.Metrics;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using PcapWatch.Service;

namespace PcapWatch.Tests.Service;

/// <summary>The instance's state moves only forward along a run's phases; a stop or a failure may come in any of them.</summary>
public class LoopStateMachineTests
{
    private static readonly LoopState[] Order =
        [LoopState.Starting, LoopState.Restoring, LoopState.LoadingTables, LoopState.Running, LoopState.ShuttingDown, LoopState.Dead];

    // The rule, written from the phases' order rather than from the machine's table.
    private static bool Expected(LoopState from, LoopState to)
    {
        int f = Array.IndexOf(Order, from), t = Array.IndexOf(Order, to);
        if (from == LoopState.Dead) return false;
        if (to is LoopState.Dead or LoopState.ShuttingDown) return from != to;
        return t == f + 1 && from != LoopState.ShuttingDown;
    }

    [Test]
    public void Any_sequence_of_moves_is_taken_exactly_when_the_phases_allow_it_and_the_progress_shows_the_state()
    {
        Gen.Enum<LoopState>().Array[0, 12].Sample(moves =>
        {
            var progress = new PipelineProgress();
            var machine = new LoopStateMachine(progress, NullLogger.Instance);
            foreach (var to in moves)
            {
                var from = machine.State;
                if (Expected(from, to))
                {
                    machine.MoveTo(to);
                    if (machine.State != to || progress.LoopState != to) return false;
                }
                else
                {
                    try
                    {
                        machine.MoveTo(to);
                        return false;
                    }
                    catch (InvalidOperationException)
                    {
                        if (machine.State != from) return false;
                    }
                }
            }
            return true;
        });
    }

    [Test]
    public void A_clean_run_goes_through_every_state_in_order()
    {
        var machine = new LoopStateMachine(new PipelineProgress(), NullLogger.Instance);
        foreach (var state in Order.Skip(1)) machine.MoveTo(state);
        Assert.That(machine.State, Is.EqualTo(LoopState.Dead));
    }

    [Test]
    public void The_state_is_exported_as_one_gauge_per_state_with_1_for_the_current_one()
    {
        var progress = new PipelineProgress();
        using var metrics = new PipelineMetrics(progress, "i-1");
        var machine = new LoopStateMachine(progress, NullLogger.Instance);
        machine.MoveTo(LoopState.Restoring);
        machine.MoveTo(LoopState.LoadingTables);
        var seen = new Dictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "pcapwatch.loop.state") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "state") seen[(string)tag.Value!] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.That(seen, Has.Count.EqualTo(6));
        Assert.That(seen.Where(s => s.Value == 1).Select(s => s.Key), Is.EqualTo(new[] { "loading_tables" }));
    }
}
