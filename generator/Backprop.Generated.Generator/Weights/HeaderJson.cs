using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Backprop.Generated.Serialization;

namespace Backprop.Generated.Generator.Weights;

/// <summary>
/// A small, strict JSON reader (RFC 8259) for the safetensors header. A netstandard2.0 generator has no
/// System.Text.Json unless it ships one, and the header is a few hundred bytes of objects, arrays, strings and
/// integers, so this reads exactly that: objects become <see cref="JsonObject"/> (keys in file order, duplicates
/// rejected), arrays <see cref="List{T}"/>, strings <see cref="string"/>, numbers <see cref="JsonNumber"/> (their
/// text), and <c>true</c>/<c>false</c>/<c>null</c> <see cref="bool"/>/<see langword="null"/>. Any error is a
/// <see cref="FormatException"/> whose message says what was expected at which byte.
/// </summary>
internal sealed class HeaderJson
{
    private readonly string _text;
    private int _at;

    private HeaderJson(string text) => _text = text;

    /// <summary>Parses one JSON value that fills <paramref name="text"/> (whitespace around it allowed).</summary>
    public static object? Parse(string text)
    {
        var reader = new HeaderJson(text);
        reader.SkipWhitespace();
        object? value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._at != text.Length)
        {
            throw reader.Error("the end of the header after its JSON value");
        }

        return value;
    }

    private object? ReadValue(int depth)
    {
        if (_at >= _text.Length)
        {
            throw Error("a JSON value");
        }

        char c = _text[_at];

        // depth counts the objects and arrays around this value; the runtime's JsonDocument allows MaxJsonDepth of them.
        if (depth >= SafeTensorsRules.MaxJsonDepth && (c == '{' || c == '['))
        {
            throw Error($"at most {SafeTensorsRules.MaxJsonDepth} levels of nesting");
        }

        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                return ReadString();
            case 't':
                Expect("true");
                return true;
            case 'f':
                Expect("false");
                return false;
            case 'n':
                Expect("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw Error("a JSON value");
        }
    }

    private JsonObject ReadObject(int depth)
    {
        var result = new JsonObject();
        _at++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _at++;
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("a string key");
            }

            string key = ReadString();
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error("':' after the key \"" + key + "\"");
            }

            _at++;
            SkipWhitespace();
            if (!result.TryAdd(key, ReadValue(depth + 1)))
            {
                throw new FormatException("the key \"" + key + "\" appears twice in one object");
            }

            SkipWhitespace();
            char next = Peek();
            _at++;
            if (next == '}')
            {
                return result;
            }

            if (next != ',')
            {
                _at--;
                throw Error("',' or '}'");
            }
        }
    }

    private List<object?> ReadArray(int depth)
    {
        var result = new List<object?>();
        _at++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _at++;
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            result.Add(ReadValue(depth + 1));
            SkipWhitespace();
            char next = Peek();
            _at++;
            if (next == ']')
            {
                return result;
            }

            if (next != ',')
            {
                _at--;
                throw Error("',' or ']'");
            }
        }
    }

    private string ReadString()
    {
        _at++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length)
            {
                throw Error("the closing '\"' of a string");
            }

            char c = _text[_at++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < ' ')
            {
                _at--;
                throw Error("no control character inside a string");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_at >= _text.Length)
            {
                throw Error("an escape after '\\'");
            }

            char e = _text[_at++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_at + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("four hexadecimal digits after '\\u'");
                    }

                    builder.Append((char)code);
                    _at += 4;
                    break;
                default:
                    _at--;
                    throw Error("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        }
    }

    private JsonNumber ReadNumber()
    {
        int start = _at;
        if (Peek() == '-')
        {
            _at++;
        }

        if (Peek() == '0')
        {
            _at++;
        }
        else if (IsDigit(Peek()))
        {
            SkipDigits();
        }
        else
        {
            throw Error("a digit");
        }

        if (Peek() == '.')
        {
            _at++;
            if (!IsDigit(Peek()))
            {
                throw Error("a digit after '.'");
            }

            SkipDigits();
        }

        if (Peek() == 'e' || Peek() == 'E')
        {
            _at++;
            if (Peek() == '+' || Peek() == '-')
            {
                _at++;
            }

            if (!IsDigit(Peek()))
            {
                throw Error("a digit in the exponent");
            }

            SkipDigits();
        }

        return new JsonNumber(_text.Substring(start, _at - start));
    }

    private void SkipDigits()
    {
        while (IsDigit(Peek()))
        {
            _at++;
        }
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private void Expect(string word)
    {
        if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0)
        {
            throw Error("a JSON value");
        }

        _at += word.Length;
    }

    private void SkipWhitespace()
    {
        while (_at < _text.Length && (_text[_at] == ' ' || _text[_at] == '\t' || _text[_at] == '\n' || _text[_at] == '\r'))
        {
            _at++;
        }
    }

    private FormatException Error(string expected)
    {
        string found = _at >= _text.Length ? "the end of the header" : "'" + _text[_at] + "'";
        return new FormatException($"the header is not JSON: expected {expected} at character {_at.ToString(CultureInfo.InvariantCulture)}, found {found}");
    }
}

/// <summary>A JSON object: its members in file order.</summary>
internal sealed class JsonObject
{
    private readonly Dictionary<string, object?> _byKey = new(StringComparer.Ordinal);

    public List<KeyValuePair<string, object?>> Members { get; } = new();

    public bool TryAdd(string key, object? value)
    {
        if (_byKey.ContainsKey(key))
        {
            return false;
        }

        _byKey.Add(key, value);
        Members.Add(new KeyValuePair<string, object?>(key, value));
        return true;
    }

    public bool TryGet(string key, out object? value) => _byKey.TryGetValue(key, out value);
}

/// <summary>A JSON number, as its text.</summary>
internal sealed class JsonNumber
{
    public JsonNumber(string text) => Text = text;

    public string Text { get; }

    /// <summary>The value when the number is an integer in [0, <paramref name="max"/>].</summary>
    public bool TryGetNonNegative(long max, out long value) =>
        long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;

    public override string ToString() => Text;
}
