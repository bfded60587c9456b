using System.Globalization;
using System.Text;
using System.Xml;

namespace PcapWatch.Dashboard;

/// <summary>
/// An employee's traffic over the window as stacked bars by protocol, rendered on the server as SVG: no chart script,
/// nothing to vendor, and protocol names (from packets) written by an XML writer, so they can only ever be text. What
/// XML cannot carry at all (control characters, half a surrogate pair) becomes U+FFFD: a name from a packet or a query
/// string must not turn the chart into an error.
/// </summary>
internal static class SvgChart
{
    private const string Ns = "http://www.w3.org/2000/svg";
    private const int Width = 560, Height = 180, Left = 48, Top = 12, PlotHeight = 120, LegendY = 160;

    private static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public static string Render(IReadOnlyList<ChartBar> bars, bool bytes, string title)
    {
        var protocols = bars.SelectMany(b => b.ByProtocol.Keys).Distinct(StringComparer.Ordinal)
            .OrderByDescending(p => bars.Sum(b => Value(b, p, bytes))).ThenBy(p => p, StringComparer.Ordinal).ToList();
        long max = Math.Max(1, bars.Count == 0 ? 0 : bars.Max(b => b.ByProtocol.Keys.Sum(p => Value(b, p, bytes))));
        double barWidth = (double)(Width - Left - 8) / Math.Max(1, bars.Count);

        var text = new StringBuilder();
        using (var svg = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            svg.WriteStartElement("svg", Ns);
            Attr(svg, "viewBox", $"0 0 {Width} {Height}");
            Attr(svg, "width", Width.ToString(CultureInfo.InvariantCulture));
            Attr(svg, "height", Height.ToString(CultureInfo.InvariantCulture));
            Attr(svg, "role", "img");
            svg.WriteElementString("title", Ns, XmlText(title));
            Text(svg, 4, Top + 8, Format(max, bytes), "axis");
            Text(svg, 4, Top + PlotHeight, "0", "axis");
            Line(svg, Left, Top + PlotHeight, Width - 8, Top + PlotHeight);
            Bars(svg, bars, protocols, max, barWidth, bytes);
            if (bars.Count > 0)
            {
                Text(svg, Left, Top + PlotHeight + 14, $"{bars[0].Start.UtcDateTime:HH:mm}", "axis");
                Text(svg, Width - 60, Top + PlotHeight + 14, $"{bars[^1].Start.UtcDateTime:HH:mm} UTC", "axis");
            }
            Legend(svg, protocols);
            svg.WriteEndElement();
        }
        return text.ToString();
    }

    /// <summary>Each bar as stacked rectangles, one per protocol, each with its value as a tooltip.</summary>
    private static void Bars(XmlWriter svg, IReadOnlyList<ChartBar> bars, List<string> protocols, long max, double barWidth, bool bytes)
    {
        for (int i = 0; i < bars.Count; i++)
        {
            double y = Top + PlotHeight;
            foreach (var protocol in protocols)
            {
                long v = Value(bars[i], protocol, bytes);
                if (v == 0) continue;
                double h = (double)v * PlotHeight / max;
                y -= h;
                svg.WriteStartElement("rect", Ns);
                Attr(svg, "x", N(Left + i * barWidth + 0.5));
                Attr(svg, "y", N(y));
                Attr(svg, "width", N(Math.Max(0.5, barWidth - 1)));
                Attr(svg, "height", N(h));
                Attr(svg, "fill", Palette[protocols.IndexOf(protocol) % Palette.Length]);
                svg.WriteElementString("title", Ns,
                    XmlText($"{bars[i].Start.UtcDateTime:yyyy-MM-dd HH:mm} UTC {protocol}: {Format(v, bytes)}"));
                svg.WriteEndElement();
            }
        }
    }

    /// <summary>The first eight protocols' colours and names under the chart.</summary>
    private static void Legend(XmlWriter svg, List<string> protocols)
    {
        double x = Left;
        for (int i = 0; i < protocols.Count && i < 8; i++)
        {
            svg.WriteStartElement("rect", Ns);
            Attr(svg, "x", N(x));
            Attr(svg, "y", N(LegendY - 9));
            Attr(svg, "width", "10");
            Attr(svg, "height", "10");
            Attr(svg, "fill", Palette[i % Palette.Length]);
            svg.WriteEndElement();
            Text(svg, x + 14, LegendY, protocols[i], "legend");
            x += 20 + 7 * Math.Min(protocols[i].Length, 16);
        }
    }

    private static long Value(ChartBar bar, string protocol, bool bytes) =>
        bar.ByProtocol.TryGetValue(protocol, out var cell) ? (bytes ? cell.Bytes : cell.Packets) : 0;

    private static string Format(long v, bool bytes) =>
        bytes ? v switch
        {
            >= 1L << 30 => $"{v / (double)(1L << 30):0.#} GiB",
            >= 1L << 20 => $"{v / (double)(1L << 20):0.#} MiB",
            >= 1L << 10 => $"{v / 1024.0:0.#} KiB",
            _ => $"{v} B",
        } : v.ToString(CultureInfo.InvariantCulture);

    private static void Text(XmlWriter svg, double x, double y, string content, string cssClass)
    {
        svg.WriteStartElement("text", Ns);
        Attr(svg, "x", N(x));
        Attr(svg, "y", N(y));
        Attr(svg, "class", cssClass);
        Attr(svg, "font-size", "10");
        Attr(svg, "font-family", "sans-serif");
        svg.WriteString(XmlText(content));
        svg.WriteEndElement();
    }

    private static void Line(XmlWriter svg, double x1, double y1, double x2, double y2)
    {
        svg.WriteStartElement("line", Ns);
        Attr(svg, "x1", N(x1));
        Attr(svg, "y1", N(y1));
        Attr(svg, "x2", N(x2));
        Attr(svg, "y2", N(y2));
        Attr(svg, "stroke", "#888");
        svg.WriteEndElement();
    }

    private static void Attr(XmlWriter svg, string name, string value) => svg.WriteAttributeString(name, value);

    /// <summary><paramref name="text"/> with every character XML 1.0 cannot carry replaced by U+FFFD.</summary>
    internal static string XmlText(string text)
    {
        int bad = IndexOfUnwritable(text, 0);
        if (bad < 0) return text;
        var clean = new StringBuilder(text.Length);
        int from = 0;
        for (; bad >= 0; bad = IndexOfUnwritable(text, from))
        {
            clean.Append(text, from, bad - from).Append('\uFFFD');
            from = bad + 1;
        }
        return clean.Append(text, from, text.Length - from).ToString();
    }

    private static int IndexOfUnwritable(string text, int from)
    {
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (XmlConvert.IsXmlChar(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
