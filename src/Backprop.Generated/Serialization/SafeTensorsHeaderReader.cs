using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Backprop.Generated.Serialization;

/// <summary>A parsed safetensors header: its tensor entries in file order and the metadata values the loader reads.</summary>
internal sealed class SafeTensorsHeader
{
    public SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    public List<SafeTensorsEntry> Entries { get; }

    /// <summary>Of <c>__metadata__</c>, only the keys <see cref="SafeTensors.LayerSizesKey"/>,
    /// <see cref="SafeTensors.ActivationsKey"/> and <see cref="SafeTensors.LossKey"/>; the others are checked to be
    /// strings and skipped.</summary>
    public Dictionary<string, string> Metadata { get; }
}

/// <summary>
/// Parses the JSON header of a safetensors file over its UTF-8 bytes with <see cref="Utf8JsonReader"/>: no document
/// tree, no UTF-16 copy of the text, and metadata values the loader does not read are never materialised, so a header
/// near the 100,000,000-byte limit costs about nothing beyond its own bytes (issue 20 item 8: the earlier
/// <see cref="JsonDocument"/> over a decoded string cost 5 to 19 times the header's size).
/// </summary>
/// <remarks>
/// Rules, in the order a broken header is reported: no UTF-8 byte-order mark; valid UTF-8; the first non-whitespace
/// character is '{'; valid JSON nesting at most <see cref="SafeTensorsRules.MaxJsonDepth"/> levels; no name twice at the
/// top level; then each member in file order: <c>__metadata__</c> is <c>null</c> (no metadata, as the reference reader's
/// <c>Option&lt;HashMap&lt;String, String&gt;&gt;</c> reads it) or an object of strings, and every other member is a
/// tensor entry <c>{"dtype": string, "shape": [integers 0..int.MaxValue], "data_offsets": [begin, end]}</c> (when a
/// member repeats a key, the last one counts, as in <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>).
/// </remarks>
internal static class SafeTensorsHeaderReader
{
    private const string MetadataName = SafeTensorsRules.MetadataName;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonReaderOptions Options = new() { MaxDepth = SafeTensorsRules.MaxJsonDepth };

    /// <summary>Parses <paramref name="header"/>, the header's bytes (without the 8-byte length).</summary>
    /// <exception cref="SafeTensorsException">The header breaks one of the rules above.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> header) => Parse(header, acceptInt8: false);

    /// <summary>Parses <paramref name="header"/>; with <paramref name="acceptInt8"/> the dtype I8 is accepted too (the
    /// int8 network files of docs/int8.md).</summary>
    /// <exception cref="SafeTensorsException">The header breaks one of the rules above.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> header, bool acceptInt8)
    {
        // 1. Text: no byte-order mark, valid UTF-8, a JSON object.
        if (SafeTensorsRules.CheckByteOrderMark(At(header, 0), At(header, 1), At(header, 2)) is SafeTensorsProblem mark)
        {
            throw new SafeTensorsException(mark.Sentence, mark.Tensor);
        }

        if (!IsValidUtf8(header))
        {
            throw new SafeTensorsException("The header is not valid UTF-8 text, so it is not a safetensors JSON header.");
        }

        string start = Start(header);
        if (start.Length == 0 || start[0] != '{')
        {
            throw new SafeTensorsException(
                $"The header is not a JSON object: it starts with {(start.Length == 0 ? "nothing" : "'" + start + "'")}, expected '{{'.");
        }

        // 2. JSON syntax, over the whole header before any member is read (allocates nothing).
        try
        {
            var syntax = new Utf8JsonReader(header, Options);
            while (syntax.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsException("The header is not valid JSON: " + e.Message, null, e);
        }

        // 3. The members.
        try
        {
            return ReadMembers(header, acceptInt8);
        }
        catch (InvalidOperationException e)
        {
            // A JSON string escape that is not text (a lone UTF-16 surrogate such as \ud800): valid JSON, invalid names.
            throw new SafeTensorsException("The header holds a string that is not valid text: " + e.Message, null, e);
        }
    }

    private static SafeTensorsHeader ReadMembers(ReadOnlySpan<byte> header, bool acceptInt8)
    {
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);

        // A name given twice is reported before any fault of a member, wherever the two stand: the first fault waits.
        SafeTensorsException? fault = null;
        var reader = new Utf8JsonReader(header, Options);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString() ?? string.Empty;
            if (!names.Add(name))
            {
                throw new SafeTensorsException($"The header names '{name}' twice.", name);
            }

            reader.Read();
            if (fault is not null)
            {
                reader.Skip();
            }
            else if (name == MetadataName)
            {
                fault = ReadMetadata(ref reader, metadata);
            }
            else
            {
                fault = ReadEntry(ref reader, header, name, acceptInt8, out SafeTensorsEntry? entry);
                if (entry is not null)
                {
                    entries.Add(entry);
                }
            }
        }

        return fault is null ? new SafeTensorsHeader(entries, metadata) : throw fault;
    }

    /// <summary>Reads the value of <c>__metadata__</c> (the reader on its first token) to its last token.</summary>
    private static SafeTensorsException? ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            string kind = Kind(reader.TokenType);
            reader.Skip();
            return new SafeTensorsException($"'{MetadataName}' must be a JSON object of strings but is {kind}.", MetadataName);
        }

        SafeTensorsException? fault = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // A copy of the reader on the key reads its name only if a message needs it.
            Utf8JsonReader key = reader;
            string? known = reader.ValueTextEquals(SafeTensors.LayerSizesKey) ? SafeTensors.LayerSizesKey
                : reader.ValueTextEquals(SafeTensors.ActivationsKey) ? SafeTensors.ActivationsKey
                : reader.ValueTextEquals(SafeTensors.LossKey) ? SafeTensors.LossKey
                : null;
            reader.Read();
            if (fault is not null)
            {
                reader.Skip();
            }
            else if (reader.TokenType != JsonTokenType.String)
            {
                fault = new SafeTensorsException(
                    $"'{MetadataName}' entry '{key.GetString()}' must be a string but is {Kind(reader.TokenType)}.", MetadataName);
                reader.Skip();
            }
            else if (known is not null)
            {
                metadata[known] = reader.GetString() ?? string.Empty;
            }
        }

        return fault;
    }

    /// <summary>Reads one tensor entry (the reader on its first token) to its last token.</summary>
    private static SafeTensorsException? ReadEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> header, string name, bool acceptInt8, out SafeTensorsEntry? entry)
    {
        entry = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            string kind = Kind(reader.TokenType);
            reader.Skip();
            return new SafeTensorsException(
                $"Tensor '{name}': its header entry must be an object {{\"dtype\", \"shape\", \"data_offsets\"}} but is {kind}.", name);
        }

        string? dtypeText = null;
        Integers? shape = null;
        Integers? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("dtype"))
            {
                reader.Read();
                dtypeText = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("shape"))
            {
                reader.Read();
                shape = Integers.Read(ref reader);
            }
            else if (reader.ValueTextEquals("data_offsets"))
            {
                reader.Read();
                offsets = Integers.Read(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (dtypeText is null)
        {
            return new SafeTensorsException($"Tensor '{name}' has no \"dtype\" string.", name);
        }

        SafeTensorsDType dtype;
        if (acceptInt8 && dtypeText == "I8")
        {
            dtype = SafeTensorsDType.I8;
        }
        else if (!SafeTensorsRules.TryParseDType(dtypeText, out dtype))
        {
            return new SafeTensorsException(
                acceptInt8
                    ? $"Tensor '{name}' has dtype \"{SafeTensorsRules.Truncate(dtypeText)}\"; an int8 network file holds I8 weights and F32 scales and biases."
                    : $"Tensor '{name}' has dtype \"{SafeTensorsRules.Truncate(dtypeText)}\"; the loader converts F32, F64, F16 and BF16.",
                name);
        }

        if (shape is null)
        {
            return new SafeTensorsException($"Tensor '{name}' has no \"shape\" array.", name);
        }

        if (!shape.AllWithin(0, int.MaxValue))
        {
            return new SafeTensorsException(
                $"Tensor '{name}' has shape {shape.RawText(header)}; every dimension must be an integer from 0 to {int.MaxValue}.", name);
        }

        if (offsets is null || offsets.Count != 2)
        {
            return new SafeTensorsException($"Tensor '{name}' has no \"data_offsets\" pair [begin, end].", name);
        }

        if (!offsets.AllWithin(0, long.MaxValue))
        {
            return new SafeTensorsException(
                $"Tensor '{name}' has data_offsets {offsets.RawText(header)}; both must be non-negative integers.", name);
        }

        entry = new SafeTensorsEntry(name, dtype, shape.Values.ToArray(), offsets.Values[0], offsets.Values[1]);
        return null;
    }

    /// <summary>A JSON array read as integers: each element's value, or a mark that it is not an integer of 64 bits.</summary>
    private sealed class Integers
    {
        private int _start;
        private int _end;
        private bool _allIntegers = true;

        public List<long> Values { get; } = new();

        public int Count { get; private set; }

        /// <summary>The array at the reader's token (read to its end), or null when the value is not an array.</summary>
        public static Integers? Read(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return null;
            }

            var array = new Integers { _start = (int)reader.TokenStartIndex };
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                array.Count++;
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
                {
                    array.Values.Add(value);
                }
                else
                {
                    array._allIntegers = false;
                    reader.Skip();
                }
            }

            array._end = (int)reader.TokenStartIndex + 1;
            return array;
        }

        public bool AllWithin(long min, long max)
        {
            if (!_allIntegers)
            {
                return false;
            }

            foreach (long v in Values)
            {
                if (v < min || v > max)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The array as written in the header, at most 80 characters.</summary>
        public string RawText(ReadOnlySpan<byte> header) => SafeTensorsRules.Truncate(Decode(header.Slice(_start, _end - _start)));
    }

    /// <summary>The name of a value's kind, as <see cref="JsonValueKind"/> spells it.</summary>
    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => nameof(JsonValueKind.Object),
        JsonTokenType.StartArray => nameof(JsonValueKind.Array),
        JsonTokenType.String => nameof(JsonValueKind.String),
        JsonTokenType.Number => nameof(JsonValueKind.Number),
        JsonTokenType.True => nameof(JsonValueKind.True),
        JsonTokenType.False => nameof(JsonValueKind.False),
        _ => nameof(JsonValueKind.Null),
    };

    private static int At(ReadOnlySpan<byte> bytes, int index) => index < bytes.Length ? bytes[index] : -1;

    /// <summary>The header's first 16 characters after leading whitespace, for the message of a header that is not an object.</summary>
    private static string Start(ReadOnlySpan<byte> header)
    {
        int at = 0;
        while (at < header.Length && header[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }

        // 16 characters take at most 64 bytes of UTF-8; the cut steps back to the start of a character.
        int end = Math.Min(header.Length, at + 64);
        while (end < header.Length && end > at && (header[end] & 0xC0) == 0x80)
        {
            end--;
        }

        string text = Decode(header.Slice(at, end - at)).TrimStart();
        return SafeTensorsRules.Truncate(text.Substring(0, Math.Min(16, text.Length)));
    }

    private static string Decode(ReadOnlySpan<byte> utf8) => StrictUtf8.GetString(utf8.ToArray());

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes)
    {
#if NET8_0_OR_GREATER
        return System.Text.Unicode.Utf8.IsValid(bytes);
#else
        try
        {
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    // Counting the characters decodes without storing them; the strict encoding throws on invalid bytes.
                    StrictUtf8.GetCharCount(p, bytes.Length);
                }
            }

            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
#endif
    }
}
