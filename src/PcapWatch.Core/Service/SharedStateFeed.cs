using PcapWatch.Bindings;
using PcapWatch.Names;

namespace PcapWatch.Service;

/// <summary>
/// The loop's view of what the other instances share: their bindings (<see cref="BindingsReader"/>) and what DNS
/// answers told their clients (<see cref="NamesReader"/>), either of which may be off. Poll answers for the bindings,
/// which the loop reports as such; the names' records are counted in <see cref="PipelineProgress.NamesRead"/>.
/// </summary>
internal sealed class SharedStateFeed(BindingsReader? bindings, NamesReader? names, PipelineProgress progress) : IBindingsFeed
{
    public bool IsCurrent => (bindings?.IsCurrent ?? true) && (names?.IsCurrent ?? true);

    public long Late => bindings?.Late ?? 0;

    public int Poll(TimeSpan wait, int max, long decidedUpToMs)
    {
        if (names is not null && names.Poll(TimeSpan.Zero, max) > 0) progress.OnNamesRead(names.Read);
        return bindings?.Poll(wait, max, decidedUpToMs) ?? 0;
    }
}
