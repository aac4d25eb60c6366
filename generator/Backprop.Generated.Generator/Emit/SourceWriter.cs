using System;
using System.Text;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// A small indented text writer: <see cref="Block"/> opens a brace block that closes on dispose, so
/// braces and indentation cannot drift apart (the shape of the Regex generator's EmitBlock).
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    /// <summary>Writes <paramref name="text"/> at the current indentation, broken into lines of at most <see cref="LineWrapping.MaxWidth"/> columns where it can be.</summary>
    public void Line(string text = "")
    {
        if (text.Length == 0)
        {
            _builder.Append('\n');
            return;
        }

        foreach (string line in LineWrapping.Wrap(text, LineWrapping.MaxWidth - (_indent * 4)))
        {
            _builder.Append(' ', _indent * 4).Append(line).Append('\n');
        }
    }

    public void Lines(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            Line(line.TrimEnd('\r'));
        }
    }

    /// <summary>
    /// Writes one declaration of a member of the network type, marked <c>[GeneratedCode]</c>: the attribute goes on each
    /// generated member, never on the partial type, so a user's own <c>[GeneratedCode]</c> on the type is no CS0579 and
    /// the user's hand-written members do not count as generated code (analyzers would skip them).
    /// </summary>
    public void Member(string declaration)
    {
        Line(EmitContext.GeneratedCodeAttribute);
        Line(declaration);
    }

    /// <summary>As <see cref="Member"/>, for a member with a body: the attribute, then a brace block.</summary>
    public Scope MemberBlock(string header)
    {
        Line(EmitContext.GeneratedCodeAttribute);
        return Block(header);
    }

    /// <summary>Writes <paramref name="header"/> (none when empty: a bare block that scopes its locals) and an opening brace.</summary>
    public Scope Block(string header)
    {
        if (header.Length > 0)
        {
            Line(header);
        }

        Line("{");
        _indent++;
        return new Scope(this);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _builder.ToString();

    public readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;

        public Scope(SourceWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line("}");
        }
    }
}
