using System.Text;

namespace LlmForge.Checkpoints;

/// <summary>
/// The header of a NumPy <c>.npy</c> file: magic "\x93NUMPY", version, header length, then a Python
/// dict literal <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c> padded with
/// spaces and a newline so the data starts at a multiple of 64 bytes.
/// </summary>
/// <param name="Descr">NumPy type string: '&lt;f4' (float32), '&lt;f8', '&lt;i4', '&lt;i8', ….</param>
/// <param name="FortranOrder">True if the data is column-major (LlmForge reads only C order).</param>
/// <param name="Shape">Dimensions, outermost first; empty for a 0-d scalar.</param>
/// <param name="DataOffset">Where the data starts in the file.</param>
public sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape, int DataOffset)
{
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Product of <see cref="Shape"/> (1 for a scalar; saturates at long.MaxValue).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape)
            {
                n = d == 0 ? 0 : n > long.MaxValue / d ? long.MaxValue : n * d;
            }
            return n;
        }
    }

    /// <summary>Parses the dict literal numpy writes (either quote style, any key order, trailing commas).</summary>
    internal static (string Descr, bool FortranOrder, int[] Shape) ParseDict(string path, string text)
    {
        var reader = new DictReader(path, text);
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        reader.Expect('{');
        while (!reader.TryConsume('}'))
        {
            string key = reader.ReadString();
            reader.Expect(':');
            switch (key)
            {
                case "descr":
                    descr = reader.ReadString();
                    break;
                case "fortran_order":
                    fortran = reader.ReadBool();
                    break;
                case "shape":
                    shape = reader.ReadIntTuple();
                    break;
                default:
                    throw new CheckpointFormatException(path, $".npy header has unexpected key '{key}'.");
            }
            if (!reader.TryConsume(','))
            {
                reader.Expect('}');
                break;
            }
        }
        return (descr ?? throw Missing(path, "descr"), fortran ?? throw Missing(path, "fortran_order"), shape ?? throw Missing(path, "shape"));
    }

    private static CheckpointFormatException Missing(string path, string key) =>
        new(path, $".npy header lacks the '{key}' key.");

    /// <summary>The dict literal for a C-ordered array, as numpy's format writer spells it.</summary>
    internal static string FormatDict(string descr, ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Length; i++)
        {
            sb.Append(i > 0 ? ", " : "").Append(shape[i]);
        }
        return sb.Append(shape.Length == 1 ? ",), }" : "), }").ToString();
    }

    private sealed class DictReader(string path, string text)
    {
        private int _pos;

        public void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        public string ReadString()
        {
            SkipSpace();
            if (_pos >= text.Length || (text[_pos] != '\'' && text[_pos] != '"'))
            {
                throw Error("expected a quoted string");
            }
            char quote = text[_pos++];
            int end = text.IndexOf(quote, _pos);
            if (end < 0)
            {
                throw Error("unterminated string");
            }
            string value = text[_pos..end];
            _pos = end + 1;
            return value;
        }

        public bool ReadBool()
        {
            SkipSpace();
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
            {
                if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
                {
                    _pos += word.Length;
                    return value;
                }
            }
            throw Error("expected True or False");
        }

        public int[] ReadIntTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (!TryConsume(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    _pos++;
                }
                if (!int.TryParse(text.AsSpan(start, _pos - start), out int d))
                {
                    throw Error("expected a non-negative integer dimension");
                }
                TryConsume('L'); // Python 2 longs
                dims.Add(d);
                if (!TryConsume(','))
                {
                    Expect(')');
                    break;
                }
            }
            return dims.ToArray();
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private CheckpointFormatException Error(string what) =>
            new(path, $".npy header: {what} at character {_pos} of \"{text.TrimEnd()}\".");
    }
}
