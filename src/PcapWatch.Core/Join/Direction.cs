namespace PcapWatch.Join;

/// <summary>Values of the DIRECTION column.</summary>
internal static class Direction
{
    public const string Out = "out";
    public const string In = "in";
}
