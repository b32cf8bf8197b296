using System.Globalization;
using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// One step of a tokenizer.json <c>decoder</c> chain, as the tokenizers library's <c>decode_chain</c>: it rewrites the
/// list of token strings, and the text is their concatenation at the end. SentencePiece-style files chain
/// <c>Replace("▁", " ")</c>, <c>ByteFallback</c>, <c>Fuse</c>, <c>Strip(" ", 1, 0)</c>; others use <c>Metaspace</c>.
/// </summary>
internal abstract class TokenDecoderStep
{
    /// <summary>The tokens after this step.</summary>
    public abstract List<string> Decode(List<string> tokens);

    /// <summary>What this step does to one token on its own, for streaming (<see cref="ITokenizer.DecodeBytes"/>): only replacements.</summary>
    public virtual string Alone(string token) => token;

    /// <summary><c>Replace</c>: every occurrence of <paramref name="pattern"/> in each token becomes <paramref name="content"/>.</summary>
    public sealed class Replace(string pattern, string content) : TokenDecoderStep
    {
        public override List<string> Decode(List<string> tokens) => tokens.ConvertAll(Alone);

        public override string Alone(string token) => token.Replace(pattern, content, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>ByteFallback</c>: a run of "&lt;0xXX&gt;" tokens becomes the text of those bytes when they are UTF-8, else one
    /// U+FFFD per byte (as the library does).
    /// </summary>
    public sealed class ByteFallback : TokenDecoderStep
    {
        public override List<string> Decode(List<string> tokens)
        {
            var result = new List<string>(tokens.Count);
            var bytes = new List<byte>();
            foreach (string token in tokens)
            {
                if (ByteOf(token) is byte b)
                {
                    bytes.Add(b);
                    continue;
                }
                Flush(bytes, result);
                result.Add(token);
            }
            Flush(bytes, result);
            return result;
        }

        private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private static void Flush(List<byte> bytes, List<string> result)
        {
            if (bytes.Count == 0) return;
            try
            {
                result.Add(Strict.GetString([.. bytes]));
            }
            catch (DecoderFallbackException)
            {
                for (int i = 0; i < bytes.Count; i++) result.Add("\uFFFD");
            }
            bytes.Clear();
        }

        /// <summary>The byte of a "&lt;0x41&gt;" token, or null for any other token.</summary>
        public static byte? ByteOf(string token) =>
            token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b) ? b : null;
    }

    /// <summary><c>Fuse</c>: all tokens become one.</summary>
    public sealed class Fuse : TokenDecoderStep
    {
        public override List<string> Decode(List<string> tokens) => [string.Concat(tokens)];
    }

    /// <summary><c>Strip</c>: up to <paramref name="start"/> leading and <paramref name="stop"/> trailing <paramref name="content"/> characters off each token.</summary>
    public sealed class Strip(char content, int start, int stop) : TokenDecoderStep
    {
        public override List<string> Decode(List<string> tokens) => tokens.ConvertAll(token =>
        {
            int from = 0, to = token.Length;
            while (from < Math.Min(start, token.Length) && token[from] == content) from++;
            for (int k = 0; k < stop && to > from && token[to - 1] == content; k++) to--;
            return token[from..to];
        });
    }

    /// <summary>
    /// <c>Metaspace</c>: "▁" becomes a space, except in the first token, where (unless prepend_scheme is "never")
    /// every "▁" is dropped — the one the pre-tokenizer put there.
    /// </summary>
    public sealed class Metaspace(char replacement, bool dropInFirst) : TokenDecoderStep
    {
        public override List<string> Decode(List<string> tokens) =>
            tokens.Select((t, i) => i == 0 && dropInFirst ? t.Replace(replacement.ToString(), "", StringComparison.Ordinal) : Alone(t)).ToList();

        public override string Alone(string token) => token.Replace(replacement, ' ');
    }
}
