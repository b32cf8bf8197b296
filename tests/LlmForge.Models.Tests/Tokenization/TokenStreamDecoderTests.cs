using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class TokenStreamDecoderTests
{
    [Fact]
    public void Gpt2_CharactersSplitAcrossTokensArePrintedWhole()
    {
        var tok = Gpt2Vocabulary.Tokenizer;
        const string text = "Emoji 👨‍👩‍👧 and 你好, 𝐀 done";
        var stream = new TokenStreamDecoder(tok);
        var pieces = tok.Encode(text).Select(stream.Append).ToList();
        pieces.Add(stream.Flush());

        Assert.Equal(text, string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Contains("", pieces); // some token ended inside a character and printed nothing yet
    }

    [Fact]
    public void Flush_TurnsAnIncompleteCharacterIntoReplacement()
    {
        var stream = new TokenStreamDecoder(Gpt2Vocabulary.Tokenizer);
        Assert.Equal("", stream.Append(41840)); // first 3 bytes of 👍
        Assert.Equal("\uFFFD", stream.Flush());
        Assert.Equal("a", stream.Append(64));   // the decoder is reset
    }

    [Fact]
    public void CharTokenizer_StreamsEachCharacter()
    {
        var tok = CharTokenizer.FromCorpus("ab😀");
        var stream = new TokenStreamDecoder(tok);
        Assert.Equal(["😀", "a", "b"], tok.Encode("😀ab").Select(stream.Append));
        Assert.Equal("", stream.Flush());
    }
}
