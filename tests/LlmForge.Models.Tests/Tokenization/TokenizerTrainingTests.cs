using System.Text;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization;

/// <summary>
/// <see cref="TokenizerTraining.Create"/>: each kind from its corpus or directory, and every wrong setting one line
/// naming the setting as the caller calls it (the command line passes its flags; the defaults are the property names).
/// </summary>
public sealed class TokenizerTrainingTests : IDisposable
{
    private const string Text = "to be or not to be, that is the question. to be or not to be.\n";
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Char_is_the_corpus_characters_and_logs_nothing()
    {
        var log = new StringWriter();
        var tokenizer = TokenizerTraining.Create(new TokenizerTrainingOptions(), TokenizerCorpus.FromText(Text), log);
        Assert.IsType<CharTokenizer>(tokenizer);
        Assert.Equal(Text.Distinct().Count(), tokenizer.VocabSize);
        Assert.Equal(Text, tokenizer.Decode(tokenizer.Encode(Text)));
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public void Bpe_learns_the_asked_vocabulary_from_the_corpus_bytes()
    {
        var log = new StringWriter();
        var corpus = TokenizerCorpus.FromBytes(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Text, 20))));
        var tokenizer = TokenizerTraining.Create(new TokenizerTrainingOptions { Kind = TokenizerKinds.Bpe, VocabSize = 280 }, corpus, log);
        var bpe = Assert.IsType<Gpt2Tokenizer>(tokenizer);
        Assert.Equal(280, bpe.VocabSize);
        Assert.True(bpe.Merges.Count > 0);
        Assert.True(corpus.Encode(bpe).Count < corpus.Utf8Bytes.Length, "the merges shorten the corpus");
        Assert.StartsWith("tokenizer bpe: 280 ids (", log.ToString());
    }

    [Fact]
    public void Gpt2_reads_the_directory_it_is_given()
    {
        TinyVocabulary.Hello().Save(dir.Path);
        var tokenizer = TokenizerTraining.Create(new TokenizerTrainingOptions { Kind = TokenizerKinds.Gpt2, Directory = dir.Path }, TokenizerCorpus.FromText(""));
        Assert.Equal(TinyVocabulary.Hello().VocabSize, tokenizer.VocabSize);
        Assert.Equal(TinyVocabulary.Hello().Encode("hello world"), tokenizer.Encode("hello world"));
    }

    [Theory]
    [InlineData("bpe", null, 100, "VocabSize must be at least 257 (256 byte tokens + <|endoftext|>), got 100")]
    [InlineData("gpt2", null, null, "Kind gpt2 needs Directory DIR holding encoder.json")]
    [InlineData("gpt2", "/nonexistent/gpt2", null, "Directory '/nonexistent/gpt2': no such directory")]
    [InlineData("char", null, 300, "VocabSize goes with Kind bpe (the tokenizer is 'char')")]
    [InlineData("bpe", ".", null, "Directory goes with Kind gpt2 (the tokenizer is 'bpe')")]
    [InlineData("wordpiece", null, null, "Kind 'wordpiece' is not valid; valid values: char, gpt2, bpe")]
    public void A_wrong_setting_is_one_line_naming_it(string kind, string? directory, int? vocabSize, string expected)
    {
        var options = new TokenizerTrainingOptions { Kind = kind, Directory = directory, VocabSize = vocabSize };
        Assert.StartsWith(expected, options.FindError());
        var e = Assert.Throws<ArgumentException>(() => TokenizerTraining.Create(options, TokenizerCorpus.FromText(Text)));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Messages_name_the_settings_as_the_caller_calls_them()
    {
        var options = new TokenizerTrainingOptions { Kind = "char", VocabSize = 300, KindSetting = "--tokenizer", VocabSizeSetting = "--vocab-size" };
        Assert.Equal("--vocab-size goes with --tokenizer bpe (the tokenizer is 'char')", options.FindError());
        Assert.Null(new TokenizerTrainingOptions { Kind = "bpe" }.FindError());
    }

    [Fact]
    public void A_corpus_read_as_bytes_cannot_feed_a_text_tokenizer()
    {
        var bytes = TokenizerCorpus.FromBytes([0x74, 0x6F]);
        Assert.Throws<ArgumentException>(() => TokenizerTraining.Create(new TokenizerTrainingOptions(), bytes));
        Assert.Throws<InvalidOperationException>(() => bytes.Encode(CharTokenizer.FromCorpus("to")));
        Assert.Equal([0x74, 0x6F], TokenizerCorpus.FromText("to").Utf8Bytes);
    }
}
