using System;
using System.Text;

namespace Sharptune.Generators;

/// <summary>An indenting text writer for generated source (the cookbook's advice: text, not syntax trees).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();

    public int Indentation { get; set; }

    public SourceWriter WriteLine(string line = "")
    {
        if (line.Length == 0)
        {
            _sb.Append('\n');
            return this;
        }

        foreach (var part in line.Replace("\r\n", "\n").Split('\n'))
        {
            if (part.Length > 0)
            {
                _sb.Append(' ', Indentation * 4).Append(part);
            }

            _sb.Append('\n');
        }

        return this;
    }

    public SourceWriter Open(string line)
    {
        WriteLine(line);
        WriteLine("{");
        Indentation++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        Indentation--;
        WriteLine("}" + suffix);
        return this;
    }

    public override string ToString()
    {
        if (Indentation != 0)
        {
            throw new InvalidOperationException("Unbalanced indentation in generated source.");
        }

        return _sb.ToString();
    }
}
