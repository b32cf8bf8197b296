using System.Text;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

/// <summary>
/// A byte-level BPE encodes any bytes: DecodeBytes(EncodeBytes(x)) == x for every byte sequence, invalid UTF-8
/// included (issue 15, item 5), for GPT-2's vocabulary and a BPE learned from bytes alike.
/// </summary>
public class ByteLevelEncodingTests
{
    /// <summary>Byte sequences that are not UTF-8 and hide in text: each is spliced into the random inputs.</summary>
    private static readonly byte[][] Hostile =
    [
        [0xFF], [0xFE, 0xFF], [0x80], [0xBF, 0x80],            // bytes that never start a character
        [0xE2, 0x82], [0xF0, 0x9F, 0x98],                       // a multi-byte character cut short (€, 😀)
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],                 // U+D800 and U+DFFF: lone surrogates' (CESU) encodings
        [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],                   // a surrogate pair encoded half by half
        [0xC0, 0x80], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], // overlong, > U+10FFFF, 5-byte
        [0xEF, 0xBB, 0xBF],                                     // a byte-order mark inside the text (valid: U+FEFF)
    ];

    private static readonly Lazy<Gpt2Tokenizer> Learned = new(() =>
        BpeTrainer.Train(RandomBytes(new Random(99), 6000), new BpeTrainerOptions { VocabSize = 400 }));

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string tokenizer in new[] { "gpt2", "learned" })
            foreach (int seed in new[] { 1, 2, 3, 4, 5 })
                data.Add(tokenizer, seed);
        return data;
    }

    private static Gpt2Tokenizer Tokenizer(string name) => name == "gpt2" ? Gpt2Vocabulary.Tokenizer : Learned.Value;

    // Text (ASCII words, accented letters, CJK, emoji, <|endoftext|>) mixed with raw random bytes and the hostile sequences.
    private static byte[] RandomBytes(Random random, int length)
    {
        string[] words = ["the ", "quick", " café", "日本語", " 😀!", "\n\n", "<|endoftext|>", "  ", "'s", "123"];
        var bytes = new List<byte>();
        while (bytes.Count < length)
        {
            switch (random.Next(4))
            {
                case 0: bytes.AddRange(Encoding.UTF8.GetBytes(words[random.Next(words.Length)])); break;
                case 1: bytes.AddRange(Hostile[random.Next(Hostile.Length)]); break;
                default:
                    for (int n = random.Next(1, 8); n > 0; n--) bytes.Add((byte)random.Next(256));
                    break;
            }
        }
        return [.. bytes];
    }

    [Theory, MemberData(nameof(Cases))]
    public void Any_bytes_round_trip(string tokenizerName, int seed)
    {
        var tokenizer = Tokenizer(tokenizerName);
        var random = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            byte[] bytes = RandomBytes(random, random.Next(0, 3000));
            var ids = tokenizer.EncodeBytes(bytes);
            Assert.Equal(bytes, tokenizer.DecodeBytes(ids));
            Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabSize - 1));
        }
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("learned")]
    public void Each_hostile_sequence_round_trips_alone_and_between_text(string tokenizerName)
    {
        var tokenizer = Tokenizer(tokenizerName);
        foreach (byte[] hostile in Hostile)
        {
            byte[][] inputs = [hostile, [.. "ab"u8, .. hostile], [.. hostile, .. " cd"u8], [.. "€"u8, .. hostile, .. "€"u8]];
            foreach (byte[] input in inputs) Assert.Equal(input, tokenizer.DecodeBytes(tokenizer.EncodeBytes(input)));
        }
    }

    [Fact]
    public void Valid_utf8_encodes_exactly_as_its_text_does()
    {
        var tokenizer = Gpt2Vocabulary.Tokenizer;
        const string text = "Hello, world! <|endoftext|> It's 2024: café, 日本語, 😀\n\n  x";
        Assert.Equal(tokenizer.Encode(text), tokenizer.EncodeBytes(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(tokenizer.Encode(text, allowSpecialTokens: false), tokenizer.EncodeBytes(Encoding.UTF8.GetBytes(text), allowSpecialTokens: false));
    }

    [Fact]
    public void Invalid_bytes_are_byte_tokens_not_replacement_characters()
    {
        var tokenizer = Gpt2Vocabulary.Tokenizer;
        byte[] bytes = [.. "a"u8, 0xFF, .. "b"u8];
        var ids = tokenizer.EncodeBytes(bytes);
        Assert.Equal([tokenizer.Encode("a")[0], tokenizer.Vocabulary[ByteLevelAlphabet.ToChar(0xFF).ToString()], tokenizer.Encode("b")[0]], ids);
        Assert.DoesNotContain(tokenizer.Encode("\uFFFD")[0], ids);
    }

    [Fact]
    public void A_bpe_learned_from_valid_bytes_is_the_one_learned_from_the_text()
    {
        string text = string.Concat(Enumerable.Repeat("to be or not to be, that is the question; café 😀\n", 40));
        var options = new BpeTrainerOptions { VocabSize = 320 };
        var fromText = BpeTrainer.Train(text, options);
        var fromBytes = BpeTrainer.Train(Encoding.UTF8.GetBytes(text), options);
        Assert.Equal(fromText.Merges, fromBytes.Merges);
        Assert.Equal(fromText.Vocabulary.OrderBy(kv => kv.Value), fromBytes.Vocabulary.OrderBy(kv => kv.Value));
    }

    [Fact]
    public void A_bpe_learns_merges_of_bytes_that_are_not_utf8()
    {
        byte[] corpus = [.. Enumerable.Repeat<byte[]>([.. "word "u8, 0xFF, 0xFE, .. " "u8], 50).SelectMany(b => b)];
        var bpe = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 300 });
        Assert.Contains((ByteLevelAlphabet.ToChar(0xFF).ToString(), ByteLevelAlphabet.ToChar(0xFE).ToString()), bpe.Merges);
        Assert.Equal(corpus, bpe.DecodeBytes(bpe.EncodeBytes(corpus)));
    }

    [Fact]
    public void Streaming_decode_of_encoded_bytes_prints_the_text_and_marks_only_the_invalid_bytes()
    {
        var tokenizer = Gpt2Vocabulary.Tokenizer;
        byte[] bytes = [.. "ok 😀 日本"u8, 0xFF, .. " end €"u8];
        var stream = new TokenStreamDecoder(tokenizer);
        var printed = new StringBuilder();
        foreach (int id in tokenizer.EncodeBytes(bytes)) printed.Append(stream.Append(id));
        printed.Append(stream.Flush());
        Assert.Equal("ok 😀 日本\uFFFD end €", printed.ToString());
    }
}
