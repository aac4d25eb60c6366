using System.Collections.Generic;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Breaks a generated line that would run past <see cref="MaxWidth"/> columns into lines a person can read, without
/// changing what it means: a comment (<c>//</c>, <c>///</c>) at the spaces of its text, never inside an XML tag; a
/// statement or declaration at the commas of its argument (or parameter) list, and then of its type-argument list, with
/// the continuation indented one level. A line with nothing to break at (a long name, an attribute with one argument) is
/// left as it is. A pure function of the text, so the emitters stay pure functions of the model.
/// </summary>
internal static class LineWrapping
{
    /// <summary>The widest a generated line should be, indentation included.</summary>
    public const int MaxWidth = 120;

    /// <summary>The lines to write for <paramref name="text"/>, each without the indentation it is written at.</summary>
    /// <param name="text">One line, without indentation.</param>
    /// <param name="width">The columns left after the indentation.</param>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        if (text.Length <= width)
        {
            lines.Add(text);
            return lines;
        }

        string trimmed = text.TrimStart();
        if (trimmed.StartsWith("//", System.StringComparison.Ordinal))
        {
            WrapComment(text, width, lines);
        }
        else
        {
            WrapCode(text, width, "    ", lines);
        }

        return lines;
    }

    /// <summary>Words at the spaces outside XML tags, every line with the comment's prefix ("/// ", "// ").</summary>
    private static void WrapComment(string text, int width, List<string> lines)
    {
        int lead = text.Length - text.TrimStart().Length;
        int slashes = text.StartsWith(new string(' ', lead) + "///", System.StringComparison.Ordinal) ? 3 : 2;
        int bodyStart = lead + slashes + (text.Length > lead + slashes && text[lead + slashes] == ' ' ? 1 : 0);
        string prefix = text.Substring(0, lead + slashes) + " ";
        string body = text.Substring(bodyStart);

        var current = new System.Text.StringBuilder(prefix);
        bool empty = true;
        foreach (string word in Words(body))
        {
            if (!empty && current.Length + 1 + word.Length > width)
            {
                lines.Add(current.ToString());
                current.Clear().Append(prefix);
                empty = true;
            }

            if (!empty)
            {
                current.Append(' ');
            }

            current.Append(word);
            empty = false;
        }

        lines.Add(current.ToString());
    }

    /// <summary>The text split at the single spaces that are not inside an XML tag (<c>&lt;see cref="a, b"/&gt;</c> stays whole).</summary>
    private static IEnumerable<string> Words(string body)
    {
        int start = 0;
        bool inTag = false;
        for (int i = 0; i < body.Length; i++)
        {
            char ch = body[i];
            if (ch == '<' && i + 1 < body.Length && (char.IsLetter(body[i + 1]) || body[i + 1] == '/'))
            {
                inTag = true;
            }
            else if (ch == '>' && inTag)
            {
                inTag = false;
            }
            else if (ch == ' ' && !inTag)
            {
                if (i > start)
                {
                    yield return body.Substring(start, i - start);
                }

                start = i + 1;
            }
        }

        if (start < body.Length)
        {
            yield return body.Substring(start);
        }
    }

    /// <summary>
    /// A statement or declaration: its first bracketed list with a comma at its own level (the arguments or parameters
    /// in parentheses, else the type arguments in angle brackets) goes on the next lines, on one line if it fits, else
    /// one item per line; what follows the list stays on the list's last line, and is wrapped again if still too long.
    /// </summary>
    private static void WrapCode(string text, int width, string step, List<string> lines)
    {
        // A line that fits stays whole; code with a comment after it too: a comma or bracket in the comment must not
        // become code.
        if (text.Length <= width || HasTrailingComment(text))
        {
            lines.Add(text);
            return;
        }

        int lead = text.Length - text.TrimStart().Length;
        string indent = text.Substring(0, lead) + step;

        // A long sum with no call in it (a straight-line layer's z = b + x_0 w_0 + ...): broken before its " + ".
        int arrow = TopLevel(text, " => ");
        if (arrow < 0 && TopLevel(text, " + ") >= 0 && !FindList(text, width, out _, out _, out _))
        {
            WrapSum(text, width, indent, lines);
            return;
        }

        // An expression body or an initialiser whose right side is what runs long: the right side on the next line.
        int assign = arrow < 0 ? TopLevel(text, " = ") : -1;
        int split = arrow >= 0 ? arrow + 3 : assign >= 0 ? assign + 2 : -1;
        if (split > 0 && split <= width && text.Length - split > 8)
        {
            lines.Add(text.Substring(0, split));
            WrapCode(indent + text.Substring(split + 1), width, step, lines);
            return;
        }

        if (arrow > 0 && arrow + 3 > width && text.Length - arrow < width)
        {
            // A long member name and a short body: the body on the next line.
            WrapCode(text.Substring(0, arrow), width, step, lines);
            lines.Add(indent + text.Substring(arrow + 1));
            return;
        }

        if (!FindList(text, width, out int open, out int close, out List<string> items))
        {
            WrapSum(text, width, indent, lines);
            return;
        }

        string head = text.Substring(0, open + 1);
        string tail = text.Substring(close);
        var wrapped = new List<string>();
        WrapCode(head, width, step, wrapped);
        lines.AddRange(wrapped);
        string joined = indent + string.Join(", ", items);
        if (joined.Length + 1 <= width)
        {
            // The items on one line; what follows them (a call's arguments after its type arguments) wrapped again.
            WrapCode(joined + tail, width, step, lines);
            return;
        }

        for (int i = 0; i < items.Count - 1; i++)
        {
            lines.Add(indent + items[i] + ",");
        }

        WrapCode(indent + items[items.Count - 1] + tail, width, step, lines);
    }

    /// <summary>
    /// Finds the list to break: the first parenthesised list with a comma at its own level; if the text before it is
    /// itself too long (or there is none), the first angle-bracketed type-argument list with such a comma instead.
    /// </summary>
    private static bool FindList(string text, int width, out int open, out int close, out List<string> items)
    {
        bool found = FindList(text, '(', ')', out open, out close, out items);
        if (found && open + 1 <= width)
        {
            return true;
        }

        if (FindList(text, '<', '>', out int angleOpen, out int angleClose, out List<string> angleItems) && (!found || angleOpen < open))
        {
            open = angleOpen;
            close = angleClose;
            items = angleItems;
            return true;
        }

        if (!found && FindList(text, '{', '}', out open, out close, out items))
        {
            return true;
        }

        if (!found)
        {
            // Nothing with a comma: the argument of a long one-argument call (an attribute) on its own line.
            return FindList(text, '(', ')', out open, out close, out items, minimumItems: 1);
        }

        return found;
    }

    private static bool FindList(string text, char opening, char closing, out int open, out int close, out List<string> items, int minimumItems = 2)
    {
        open = -1;
        close = -1;
        items = new List<string>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"' || text[i] == '\'')
            {
                i = SkipLiteral(text, i);
                continue;
            }

            if (text[i] != opening || (opening == '<' && (i == 0 || !(char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '_'))))
            {
                continue;
            }

            if (Split(text, i, opening, closing, out int end, out List<string> parts) && parts.Count >= minimumItems && parts[0].Length > 0)
            {
                open = i;
                close = end;
                items = parts;
                return true;
            }
        }

        return false;
    }

    /// <summary>The items of the list opening at <paramref name="start"/>, split at the commas of its own level.</summary>
    private static bool Split(string text, int start, char opening, char closing, out int end, out List<string> parts)
    {
        parts = new List<string>();
        end = -1;
        int depth = 0;
        int itemStart = start + 1;
        for (int i = start; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch == '"' || ch == '\'')
            {
                i = SkipLiteral(text, i);
                continue;
            }

            if (ch == '=' && i + 1 < text.Length && text[i + 1] == '>')
            {
                i++;
                continue;
            }

            if (ch == '(' || ch == '[' || ch == '{' || (ch == '<' && i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '_')))
            {
                depth++;
            }
            else if (ch == ')' || ch == ']' || ch == '}' || (ch == '>' && depth > 0 && IsClosingAngle(text, i)))
            {
                depth--;
                if (depth == 0)
                {
                    if (ch != closing)
                    {
                        return false;
                    }

                    parts.Add(text.Substring(itemStart, i - itemStart).Trim());
                    end = i;
                    return true;
                }
            }
            else if (ch == ',' && depth == 1)
            {
                parts.Add(text.Substring(itemStart, i - itemStart).Trim());
                itemStart = i + 1;
            }
        }

        return false;
    }

    /// <summary>Whether the '>' at <paramref name="i"/> closes a type-argument list (not a comparison or a lambda arrow).</summary>
    private static bool IsClosingAngle(string text, int i) => i > 0 && text[i - 1] != '=' && text[i - 1] != '-' && text[i - 1] != ' ';

    /// <summary>A long sum (a straight-line layer's z = b + x_0 w_0 + ...): broken before its top-level " + ", greedily.</summary>
    private static void WrapSum(string text, int width, string indent, List<string> lines)
    {
        var terms = new List<string>();
        int start = 0;
        foreach (int plus in IndicesOf(text, " + ", topLevelOnly: true))
        {
            terms.Add(text.Substring(start, plus - start));
            start = plus + 1;
        }

        terms.Add(text.Substring(start));
        if (terms.Count == 1)
        {
            lines.Add(text);
            return;
        }

        var current = new System.Text.StringBuilder(terms[0]);
        for (int t = 1; t < terms.Count; t++)
        {
            if (current.Length + 1 + terms[t].Length > width)
            {
                lines.Add(current.ToString());
                current.Clear().Append(indent).Append(terms[t]);
            }
            else
            {
                current.Append(' ').Append(terms[t]);
            }
        }

        lines.Add(current.ToString());
    }

    /// <summary>The index of <paramref name="token"/> outside brackets and literals, or -1.</summary>
    private static int TopLevel(string text, string token)
    {
        foreach (int i in IndicesOf(text, token, topLevelOnly: true))
        {
            return i;
        }

        return -1;
    }

    /// <summary>Whether a <c>//</c> comment follows the code (outside string and character literals).</summary>
    private static bool HasTrailingComment(string text)
    {
        foreach (int i in IndicesOf(text, "//", topLevelOnly: false))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Where <paramref name="token"/> stands in <paramref name="text"/> outside string and character literals, and, with
    /// <paramref name="topLevelOnly"/>, outside parentheses, brackets and braces; non-overlapping, left to right.
    /// </summary>
    private static IEnumerable<int> IndicesOf(string text, string token, bool topLevelOnly)
    {
        int depth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch == '"' || ch == '\'')
            {
                i = SkipLiteral(text, i);
            }
            else if (ch == '(' || ch == '[' || ch == '{')
            {
                depth++;
            }
            else if (ch == ')' || ch == ']' || ch == '}')
            {
                depth--;
            }
            else if ((depth == 0 || !topLevelOnly) && string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
            {
                yield return i;
                i += token.Length - 1;
            }
        }
    }

    /// <summary>The index of the quote that ends the string or character literal starting at <paramref name="start"/>.</summary>
    private static int SkipLiteral(string text, int start)
    {
        char quote = text[start];
        bool verbatim = start > 0 && text[start - 1] == '@';
        for (int i = start + 1; i < text.Length; i++)
        {
            if (!verbatim && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                if (verbatim && i + 1 < text.Length && text[i + 1] == quote)
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return text.Length - 1;
    }
}
