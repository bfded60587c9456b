using PcapWatch.Bindings;

namespace PcapWatch.Service;

/// <summary>The loop's view of the <see cref="BindingsReader"/>.</summary>
internal sealed class BindingsFeed(BindingsReader reader) : IBindingsFeed
{
    public bool IsCurrent => reader.IsCurrent;
    public long Late => reader.Late;
    public int Poll(TimeSpan wait, int max, long decidedUpToMs) => reader.Poll(wait, max, decidedUpToMs);
}
