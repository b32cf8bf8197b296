using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

public class ByteLevelAlphabetTests
{
    [Fact]
    public void MapsPrintableBytesToThemselvesAndOthersAboveU0100()
    {
        Assert.Equal('A', ByteLevelAlphabet.ToChar((byte)'A'));
        Assert.Equal('é', ByteLevelAlphabet.ToChar(0xE9));
        Assert.Equal('Ā', ByteLevelAlphabet.ToChar(0x00));
        Assert.Equal('Ċ', ByteLevelAlphabet.ToChar((byte)'\n'));
        Assert.Equal('Ġ', ByteLevelAlphabet.ToChar((byte)' '));
        Assert.Equal('ġ', ByteLevelAlphabet.ToChar(0x7F));
        Assert.Equal('Ń', ByteLevelAlphabet.ToChar(0xAD)); // the last of the 68 remapped bytes
    }

    [Fact]
    public void IsABijectionOverAllBytes()
    {
        var seen = new HashSet<char>();
        for (int b = 0; b < 256; b++)
        {
            char c = ByteLevelAlphabet.ToChar((byte)b);
            Assert.True(seen.Add(c));
            Assert.True(ByteLevelAlphabet.TryToByte(c, out byte back));
            Assert.Equal(b, back);
        }
        Assert.False(ByteLevelAlphabet.TryToByte(' ', out _));  // a space is never a token character
        Assert.False(ByteLevelAlphabet.TryToByte('\u0144', out _));
        Assert.Null(ByteLevelAlphabet.ToBytes("a b"));
    }

    [Fact]
    public void TokenStringsRoundTripBytes()
    {
        byte[] bytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
        string token = ByteLevelAlphabet.ToTokenString(bytes);
        Assert.Equal(bytes, ByteLevelAlphabet.ToBytes(token));
        Assert.Equal("Ġthe", ByteLevelAlphabet.ToTokenString(" the"u8));
    }

    [Fact]
    public void BytesInCharOrder_IsGpt2sOrderOfTheFirst256Ids()
    {
        var vocab = Gpt2Vocabulary.Tokenizer.Vocabulary;
        byte[] order = ByteLevelAlphabet.BytesInCharOrder();
        for (int id = 0; id < 256; id++)
            Assert.Equal(id, vocab[ByteLevelAlphabet.ToChar(order[id]).ToString()]);
    }
}
