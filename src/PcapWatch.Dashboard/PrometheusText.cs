using System.Globalization;

namespace PcapWatch.Dashboard;

/// <summary>
/// The few samples the health line needs, from Prometheus' text format (one <c>name{labels} value</c> per line):
/// each metric's values summed over its label sets. Lines it does not understand are skipped, not fatal.
/// </summary>
internal static class PrometheusText
{
    public static Dictionary<string, double> Sums(string text, IReadOnlyCollection<string> names)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0) continue;
            var name = line[..nameEnd];
            if (!names.Contains(name)) continue;
            int valueStart = line[nameEnd] == '{' ? line.IndexOf("} ", nameEnd, StringComparison.Ordinal) + 2 : nameEnd + 1;
            if (valueStart < 2) continue;
            var value = line[valueStart..].Trim().Split(' ')[0]; // a timestamp may follow
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v)) continue;
            sums[name] = sums.GetValueOrDefault(name) + v;
        }
        return sums;
    }
}
