using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;

namespace BookingPortal.Tests.Support;

/// <summary>
/// What a well-formed body puts into a property, given the members already generated before it (so <c>end</c> can
/// follow <c>start</c>). The schema only knows types; which ids exist and which times are open is the test's knowledge.
/// </summary>
public delegate Gen<JsonNode?> Hint(IReadOnlyDictionary<string, JsonNode?> before);

/// <summary>
/// JSON request bodies generated from the schemas of an OpenAPI 3.1 document: well-formed ones (every hinted property
/// from its hint, the rest left out), hostile ones (some members missing, null, an edge case of the declared type or a
/// value of another type, sometimes an unknown member) and broken JSON text. Shrinking is CsCheck's own.
/// </summary>
public sealed partial class SchemaBodies(JsonElement document)
{
    /// <summary>What <see cref="Sometimes"/> gives for a property left out of the body.</summary>
    private static readonly JsonNode Omit = JsonValue.Create("omitted by a hint")!;

    private static readonly Gen<JsonNode?> Omitted = Gen.Const<JsonNode?>(Omit);

    private static readonly Gen<JsonNode?> Null = Gen.Const<JsonNode?>((JsonNode?)null);

    public static Gen<JsonNode?> Json(Gen<string> gen) => gen.Select(v => (JsonNode?)JsonValue.Create(v));

    public static Gen<JsonNode?> Json(Gen<int> gen) => gen.Select(v => (JsonNode?)JsonValue.Create(v));

    public static Gen<JsonNode?> Json(Gen<bool> gen) => gen.Select(v => (JsonNode?)JsonValue.Create(v));

    public static Gen<JsonNode?> Json(Gen<double> gen) => gen.Select(v => (JsonNode?)JsonValue.Create(v));

    /// <summary>The value <paramref name="present"/> times, no property <paramref name="absent"/> times.</summary>
    public static Gen<JsonNode?> Sometimes(Gen<JsonNode?> value, int present = 1, int absent = 1) => Gen.Frequency((present, value), (absent, Omitted));

    /// <summary>The body text for the schema's object: a third well-formed, the rest hostile or not JSON at all.</summary>
    public Gen<string> Body(string schemaName, IReadOnlyDictionary<string, Hint> hints)
    {
        var schema = Schema(schemaName);
        var wellFormed = Object(schema, hints, hostile: false).Select(Text);
        return Gen.Frequency(
            (4, wellFormed),
            (7, Object(schema, hints, hostile: true).Select(Text)),
            (1, Broken(wellFormed)));
    }

    /// <summary>A well-formed object of a named schema, for a hint of a nested member.</summary>
    public Gen<JsonNode?> WellFormed(string schemaName, IReadOnlyDictionary<string, Hint> hints) => Object(Schema(schemaName), hints, hostile: false);

    /// <summary>
    /// The body as a reader wants it in a failure message: runs of one character collapsed and the whole cut to a
    /// length that fits on a screen.
    /// </summary>
    public static string Readable(string body)
    {
        var collapsed = Runs().Replace(body, m => $"{m.Value[..3]}…(×{m.Length})");
        return collapsed.Length > 2000 ? $"{collapsed[..2000]}…({body.Length} characters)" : collapsed;
    }

    [GeneratedRegex(@"(.)\1{19,}", RegexOptions.Singleline)]
    private static partial Regex Runs();

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "null";

    private JsonElement Schema(string name) => document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private JsonElement Resolve(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? Schema(reference.GetString()!.Split('/')[^1]) : schema;

    /// <summary>
    /// All members well-formed, or (hostile) one to all of them broken, mostly one: a single fault in an otherwise
    /// acceptable body reaches the checks behind the first one.
    /// </summary>
    private Gen<JsonNode?> Object(JsonElement schema, IReadOnlyDictionary<string, Hint> hints, bool hostile)
    {
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => (p.Name, Schema: p.Value)).ToArray();
        var broken = hostile
            ? Gen.Frequency((4, Gen.Const(1)), (2, Gen.Const(2)), (1, Gen.Int[1, properties.Length]))
                .SelectMany(count => Gen.Int[0, properties.Length - 1].Array[count]).Select(indexes => indexes.ToImmutableHashSet())
            : Gen.Const(ImmutableHashSet<int>.Empty);
        var members = broken.Select(b => (Broken: b, Members: ImmutableList<KeyValuePair<string, JsonNode?>>.Empty));
        for (var i = 0; i < properties.Length; i++)
        {
            var (index, (name, propertySchema)) = (i, properties[i]);
            members = members.SelectMany(so => Member(name, propertySchema, hints, so.Broken.Contains(index), so.Members)
                .Select(value => ReferenceEquals(value, Omit) ? so : (so.Broken, so.Members.Add(new(name, value)))));
        }

        if (hostile)
        {
            members = members.SelectMany(so => Gen.Frequency((8, Gen.Const(so)), (1, Garbage.Select(g => (so.Broken, so.Members.Add(new("unexpectedMember", g)))))));
        }

        // A generated node may be shared by two samples; each object gets its own copies.
        return members.Select(so => (JsonNode?)new JsonObject(so.Members.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone()))));
    }

    private Gen<JsonNode?> Member(string name, JsonElement schema, IReadOnlyDictionary<string, Hint> hints, bool broken,
        ImmutableList<KeyValuePair<string, JsonNode?>> before) =>
        broken
            ? Gen.Frequency((2, Value(schema, hints)), (1, Omitted), (1, Null), (3, Edge(schema)), (1, Garbage))
            : hints.TryGetValue(name, out var hint) ? hint(before.ToDictionary()) : Omitted;

    /// <summary>Any value the schema allows by its types alone: right shape, arbitrary content.</summary>
    private Gen<JsonNode?> Value(JsonElement schema, IReadOnlyDictionary<string, Hint> hints)
    {
        if (schema.TryGetProperty("oneOf", out var alternatives))
        {
            return Gen.OneOf<JsonNode?>(alternatives.EnumerateArray().Select(a => Value(a, hints)).ToArray());
        }

        schema = Resolve(schema);
        if (schema.TryGetProperty("enum", out var values))
        {
            return Json(Gen.OneOf(values.EnumerateArray().Select(v => v.GetString()!).ToArray()));
        }

        return Gen.OneOf<JsonNode?>(TypesOf(schema).Select(type => Typed(type, schema, hints)).ToArray());
    }

    private Gen<JsonNode?> Typed(string type, JsonElement schema, IReadOnlyDictionary<string, Hint> hints) => type switch
    {
        "null" => Null,
        "boolean" => Json(Gen.Bool),
        "integer" => Json(Gen.Int[-2, 120]),
        "number" => Json(Gen.Int[-1000, 100_000].Select(i => i / 100.0)),
        // A pattern on a string alternative is .NET's "numbers may come as strings".
        "string" when schema.TryGetProperty("pattern", out _) => Json(Gen.Int[-2, 120].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        "string" => Format(schema) switch
        {
            "uuid" => Json(Gen.Guid.Select(g => g.ToString())),
            "date-time" => Json(Gen.Int[-400 * 24, 400 * 24].Select(h => new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero).AddHours(h).ToString("O"))),
            _ => Json(Gen.String[Gen.Char.AlphaNumeric, 0, 12]),
        },
        "array" => Value(schema.GetProperty("items"), hints).Array[0, 3].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray())),
        _ => Object(schema, hints, hostile: true),
    };

    private static string? Format(JsonElement schema) => schema.TryGetProperty("format", out var format) ? format.GetString() : null;

    private static string[] TypesOf(JsonElement schema) => schema.TryGetProperty("type", out var type)
        ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!]
        : Format(schema) is not null ? ["string"] : ["object"];

    /// <summary>The cases a type invites: calendar extremes, integer limits, unknown enum values, huge strings and arrays.</summary>
    private Gen<JsonNode?> Edge(JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var alternatives))
        {
            return Edge(alternatives.EnumerateArray().First(a => !a.TryGetProperty("type", out var t) || t.GetString() != "null"));
        }

        schema = Resolve(schema);
        if (schema.TryGetProperty("enum", out var values))
        {
            var first = values[0].GetString()!;
            return Gen.OneOf<JsonNode?>(Json(Gen.OneOf("Spaceship", "", first.ToLowerInvariant(), first.ToUpperInvariant(), $" {first} ")), Json(Gen.Int[-1, 9]));
        }

        var types = TypesOf(schema);
        return (Format(schema), types) switch
        {
            ("uuid", _) => Gen.OneOf<JsonNode?>(Json(Gen.OneOf(Guid.Empty.ToString(), "not-a-guid", "", "{00000000-0000-0000-0000-000000000001}")), Json(Gen.Guid.Select(g => g.ToString()))),
            ("date-time", _) => Json(Gen.OneOf(ExtremeInstants)),
            (_, var t) when t.Contains("integer") => Gen.OneOf<JsonNode?>(Json(Gen.OneOf(0, -1, int.MinValue, int.MaxValue)), Literal(Gen.OneOf(BadIntegers))),
            (_, var t) when t.Contains("number") => Literal(Gen.OneOf(BadNumbers)),
            (_, var t) when t.Contains("array") => Gen.OneOf<JsonNode?>(
                Gen.Const<JsonNode?>(new JsonArray()),
                Gen.Const<JsonNode?>(new JsonArray(null, null)),
                Value(schema.GetProperty("items"), new Dictionary<string, Hint>()).Array[300, 2000]
                    .Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
            (_, var t) when t.Contains("string") => Json(Gen.OneOf(EdgeStrings)),
            (_, var t) when t.Contains("boolean") => Literal(Gen.OneOf("\"true\"", "1", "0", "\"yes\"")),
            _ => Gen.OneOf<JsonNode?>(Gen.Const<JsonNode?>(new JsonObject()), Json(Gen.OneOf(EdgeStrings))),
        };
    }

    /// <summary>JSON number text as written, including what no .NET number holds (1e309, 2^31).</summary>
    private static Gen<JsonNode?> Literal(Gen<string> text) => text.Select(t => JsonNode.Parse(t));

    private static readonly string[] ExtremeInstants =
    [
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00-14:00", "9999-12-31T10:00:00+14:00", "2027-02-29T09:00:00Z", "2027-03-02T25:00:00Z",
        "2027-03-02", "09:00", "2027-03-02T09:00:00", "2027-03-02T09:00:00+99:00", "", "2027-03-28T01:30:00+01:00", "2027-10-31T02:30:00+02:00",
        "1970-01-01T00:00:00Z", "2027-03-02T09:00:00.123456789Z",
    ];

    private static readonly string[] BadIntegers = ["2147483648", "-2147483649", "1e20", "1.5", "-0", "\"2147483648\"", "\" 3\"", "\"0x10\"", "\"\""];

    private static readonly string[] BadNumbers = ["1e308", "-1e308", "1e309", "-1e309", "5e-324", "0", "-1", "\"NaN\"", "\"Infinity\"", "1e15", "\"\""];

    private static readonly string[] EdgeStrings =
    [
        "", " ", "\t\n", "\u0000", "null", "<script>alert(1)</script>", "'; DROP TABLE bookings; --", "\uD83D\uDCA5\u200D", "\u202Eevil",
        "\uD800", "%s%n{0}", new string('x', 201), new string('x', 10_000), new string('\u20AC', 5_000), new string('y', 300_000),
    ];

    /// <summary>Values of any type, nested up to three levels: what a confused or hostile client puts where something else belongs.</summary>
    private static readonly Gen<JsonNode?> Garbage = Gen.Recursive<JsonNode?>((depth, self) =>
    {
        var scalar = Gen.OneOf<JsonNode?>(
            Json(Gen.Bool), Json(Gen.Int), Json(Gen.Int[-100, 100].Select(i => i / 7.0)), Json(Gen.String[Gen.Char.AlphaNumeric, 0, 8]),
            Null);
        return depth >= 3
            ? scalar
            : Gen.OneOf<JsonNode?>(
                scalar,
                self.Array[0, 3].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray())),
                Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 6], self, (key, value) => (JsonNode?)new JsonObject { [key] = value?.DeepClone() }));
    });

    /// <summary>Text that is not one JSON object: other JSON values, syntax errors, a well-formed body cut short or run on, nesting past any limit.</summary>
    private static Gen<string> Broken(Gen<string> wellFormed) => Gen.OneOf<string>(
        Gen.OneOf("", " ", "{", "}", "[]", "null", "42", "\"text\"", "{\"a\":1,}", "{'title':'x'}", "{\"title\" \"x\"}", "tru", "\uFEFF{}",
            "{\"title\":\"\\uZZZZ\"}", new string('[', 500) + new string(']', 500), string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
        wellFormed.SelectMany(text => Gen.Int[0, Math.Max(0, text.Length - 1)].Select(cut => text[..cut])),
        wellFormed.Select(text => text + "}}"),
        wellFormed.Select(text => $"[{text}]"));
}
