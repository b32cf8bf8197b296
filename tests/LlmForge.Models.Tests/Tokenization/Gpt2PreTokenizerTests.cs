using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

// Expected splits are those of Python's `regex` module on GPT-2's pattern (checked with it).
public class Gpt2PreTokenizerTests
{
    [Theory]
    [InlineData("Hello, I am", new[] { "Hello", ",", " I", " am" })]
    [InlineData("I'm don't we'll they've you're she'd it's", new[] { "I", "'m", " don", "'t", " we", "'ll", " they", "'ve", " you", "'re", " she", "'d", " it", "'s" })]
    [InlineData("DON'T 'sup x'sup", new[] { "DON", "'", "T", " '", "sup", " x", "'s", "up" })] // lowercase only; "'s" wins over "'" + "sup"
    [InlineData("a  b", new[] { "a", " ", " b" })]
    [InlineData("a\n\nb", new[] { "a", "\n", "\n", "b" })]
    [InlineData("x  \n y", new[] { "x", "  \n", " y" })]
    [InlineData("end   ", new[] { "end", "   " })]
    [InlineData("\tfoo", new[] { "\t", "foo" })]      // only U+0020 joins the next chunk
    [InlineData(" 123abc 4.5", new[] { " 123", "abc", " 4", ".", "5" })]
    [InlineData(" !!?  --", new[] { " !!?", " ", " --" })]
    [InlineData("a𝐀b 𝟏𝟐", new[] { "a𝐀b", " 𝟏𝟐" })]  // astral letters and digits are \p{L} / \p{N}
    [InlineData("x😀😀 y", new[] { "x", "😀😀", " y" })]
    [InlineData("e\u0301t", new[] { "e", "\u0301", "t" })] // a combining mark (Mn) is neither L nor N
    [InlineData("½²Ⅻ", new[] { "½²Ⅻ" })]                     // No, No, Nl
    [InlineData("a \uFEFFb", new[] { "a", " \uFEFF", "b" })]   // U+FEFF is not \s in Python (it is in JavaScript)
    [InlineData("c\u0085 d", new[] { "c", "\u0085", " d" })]   // NEL is \s in Python (not in JavaScript)
    [InlineData("\u00A0\u00A0x", new[] { "\u00A0", "\u00A0", "x" })]
    [InlineData("a\u001Cb", new[] { "a", "\u001C", "b" })]     // U+001C is not White_Space
    public void SplitsLikeGpt2sRegex(string text, string[] expected)
    {
        Assert.Equal(expected, Gpt2PreTokenizer.Split(text));
    }

    [Fact]
    public void TreatsAnUnpairedSurrogateAsASymbol()
    {
        Assert.Equal(["a", "\uD800", " \uDC00!", "b"], Gpt2PreTokenizer.Split("a\uD800 \uDC00!b"));
    }

    [Fact]
    public void ChunksCoverTheTextExactly()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", "multilingual.txt"));
        var chunks = Gpt2PreTokenizer.Split(text);
        Assert.Equal(text, string.Concat(chunks));
        Assert.DoesNotContain(chunks, c => c.Length == 0);
    }
}
