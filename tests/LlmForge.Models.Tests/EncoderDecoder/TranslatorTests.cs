using LlmForge.EncoderDecoder;
using LlmForge.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>Translator: text in, text out over random-weight models with an opus-mt SentencePiece tokenizer or a learned BPE.</summary>
public class TranslatorTests(ITestOutputHelper output)
{
    private static readonly string[] Sources =
        ["Open the file", "", "Save the document before closing the window.", "   ", "Close", "The file could not be opened."];

    [Theory]
    [InlineData("marian", "Managed")]
    [InlineData("bpe", "Mkl")]
    public void Batches_give_each_source_its_translation_alone_in_order_and_blank_lines_stay_blank(string kind, string backend)
    {
        var tokenizer = RandomTranslator.Tokenizer(kind);
        var translator = new Translator(RandomTranslator.Model(tokenizer, TestBackends.Create(backend)), tokenizer);
        var options = new TranslationOptions { NumBeams = 4, BatchSize = 4, MaxNewTokens = 12 };

        string[] batched = [.. translator.Translate(Sources, options)];
        string[] alone = [.. Sources.Select(s => translator.Translate(s, options with { BatchSize = 1 }))];
        string[] uncached = [.. translator.Translate(Sources, options with { UseCache = false })];

        output.WriteLine(string.Join(" | ", batched));
        Assert.Equal(alone, batched);
        Assert.Equal(batched, uncached);
        Assert.Equal("", batched[1]);
        Assert.Equal("", batched[3]);
        Assert.True(batched.Where((_, i) => i is not (1 or 3)).Distinct().Count() > 1, "random translations should differ between sources");
    }

    [Fact]
    public void One_beam_is_greedy_decoding()
    {
        var tokenizer = RandomTranslator.Tokenizer("marian");
        var model = RandomTranslator.Model(tokenizer, TestBackends.Create("Managed"));
        var translator = new Translator(model, tokenizer);
        var ids = tokenizer.EncodeSource(Sources[2]).ToArray();

        string text = translator.Translate(Sources[2], new TranslationOptions { NumBeams = 1, MaxNewTokens = 10 });

        var greedy = GreedyTranslation.Generate(model, ids, 1, ids.Length, null, 10)[0];
        Assert.Equal(tokenizer.DecodeTarget(greedy.Skip(1)), text);
    }

    [Fact]
    public void Invalid_options_and_a_tokenizer_of_another_model_are_refused()
    {
        var tokenizer = RandomTranslator.Tokenizer("marian");
        var model = RandomTranslator.Model(tokenizer, TestBackends.Create("Managed"));
        var translator = new Translator(model, tokenizer);

        var e = Assert.Throws<ArgumentException>(() => translator.Translate(Sources, new TranslationOptions { NumBeams = 0, BatchSize = 0 }));
        Assert.Contains("NumBeams (num_beams) must be ≥ 1, got 0.", e.Message);
        Assert.Contains("BatchSize must be ≥ 1, got 0.", e.Message);
        var other = Assert.Throws<ArgumentException>(() => new Translator(model, RandomTranslator.Tokenizer("bpe")));
        Assert.Contains("differ from the model's eos_token_id 0 and decoder_start_token_id 399", other.Message);
    }
}
