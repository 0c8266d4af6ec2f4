using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// Request bodies for a JSON endpoint: mostly objects of the endpoint's own fields, each field valid, hostile, of the
/// wrong type or missing, with extra fields; also truncated, non-object, deeply nested and non-UTF-8 bodies.
/// Written as text by hand so that lone surrogates, duplicate keys and odd numbers reach the server as they are.
/// </summary>
internal static class HostileJson
{
    /// <summary>A JSON string literal; every control character and surrogate escaped, so any UTF-16 goes through.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    private static readonly string[] OddLiterals =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-0", "123456789012345678901234567890", "[]", "{}", "[null]",
        "{\"a\":1}", "[\"x\",1,{}]", "\"\"", "NaN", "Infinity", "'single'", "undefined", "0x10", "+1", ".5",
    ];

    /// <summary>Any JSON value, mostly a hostile string, sometimes another type or not JSON at all.</summary>
    public static readonly Gen<string> Value = Gen.Frequency(
        (6, Fuzz.Text.Select(Literal)),
        (2, Gen.Elements(OddLiterals)),
        (1, ArbMap.Default.GeneratorFor<long>().Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.Choose(1, 200).Select(depth => new string('[', depth) + new string(']', depth))));

    /// <summary>
    /// An object with <paramref name="valid"/>'s fields (name → valid JSON value): each valid, hostile or left out,
    /// sometimes with a key in other casing, a duplicate or an unknown field.
    /// </summary>
    public static Gen<string> Object(IReadOnlyDictionary<string, string> valid)
    {
        var fields = valid.Select(field => Gen.Frequency(
                (5, Gen.Constant($"{Literal(field.Key)}:{field.Value}")),
                (4, Value.Select(v => $"{Literal(field.Key)}:{v}")),
                (1, Gen.Constant("")),
                (1, Value.Select(v => $"{Literal(field.Key.ToUpperInvariant())}:{v}")),
                (1, Value.Select(v => $"{Literal(field.Key)}:{field.Value},{Literal(field.Key)}:{v}"))))
            .ToList();
        var extra = Gen.Frequency(
            (4, Gen.Constant("")),
            (1, Fuzz.Text.Zip(Value).Select(kv => $"{Literal(kv.Item1)}:{kv.Item2}")));
        return Sequence(fields).Zip(extra)
            .Select(parts => "{" + string.Join(",", parts.Item1.Append(parts.Item2).Where(p => p.Length > 0)) + "}");
    }

    public static Gen<List<string>> Sequence(IEnumerable<Gen<string>> gens) =>
        gens.Aggregate(Gen.Constant(new List<string>()), (all, gen) => all.Zip(gen, (list, one) => new List<string>(list) { one }));

    /// <summary>What an endpoint taking <paramref name="valid"/>'s object may be sent.</summary>
    public static Gen<byte[]> Body(IReadOnlyDictionary<string, string> valid) => Body(Object(valid));

    public static Gen<byte[]> Body(Gen<string> objects) => Gen.Frequency(
        (12, objects.Select(Encoding.UTF8.GetBytes)),
        (2, objects.SelectMany(text => Gen.Choose(0, text.Length).Select(cut => Encoding.UTF8.GetBytes(text[..cut])))),
        (1, Value.Select(Encoding.UTF8.GetBytes)),
        (1, Fuzz.Bytes),
        (1, Gen.Choose(65, 2000).Select(depth => Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Choose(65, 2000).Select(depth => Encoding.UTF8.GetBytes(
            string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)))),
        (1, objects.Select(text => Encoding.Unicode.GetBytes(text))),
        (1, Gen.Choose(65 * 1024, 70 * 1024).Select(size => Encoding.UTF8.GetBytes("{\"userId\":\"" + new string('a', size) + "\"}"))));

    /// <summary>The body as the failure message shows it: short and printable.</summary>
    public static string Show(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 300 ? $"{text[..300]}… ({body.Length} bytes)" : text;
    }
}
