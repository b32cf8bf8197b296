using LlmForge.Data;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization.SentencePiece;

public sealed class SharedBpeTranslationTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmforge-pairs-bpe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<TranslationPair> Pairs() => TranslationPairsFile.Read(FixturePath.Of("translation", "pairs.tsv"));

    [Fact]
    public void Learn_SharesOneVocabularyWithEosAndPad_AndRoundTripsBothLanguages()
    {
        var log = new StringWriter();
        var tokenizer = SharedBpeTranslationTokenizer.Learn(Pairs(), vocabSize: 400, log);
        Assert.Equal(400, tokenizer.VocabSize);
        Assert.Equal((398, 399), (tokenizer.EosId, tokenizer.PadId));
        Assert.Equal(tokenizer.PadId, tokenizer.DecoderStartId);
        Assert.StartsWith("tokenizer bpe: 400 ids shared by source and target", log.ToString());
        foreach (string text in (string[])["Le fichier n’a pas pu être ouvert.", "Où est le café ? « l’été » 漢字 🙂", "Open the file"])
        {
            var ids = tokenizer.EncodeTarget(text);
            Assert.Equal(tokenizer.EosId, ids[^1]);
            Assert.Equal(text, tokenizer.DecodeTarget([.. ids, tokenizer.PadId, tokenizer.PadId]));
        }
        // Learned merges: the training text takes fewer ids than its UTF-8 bytes.
        int count = tokenizer.EncodeSource("Delete the selected files").Count;
        Assert.True(count < 14, $"{count} ids for 25 bytes");
        // "</s>" typed in a sentence is text, never the eos.
        Assert.DoesNotContain(tokenizer.EosId, tokenizer.EncodeSource("a </s> b").SkipLast(1));
    }

    [Fact]
    public void Save_WritesFilesBothLoadersReadBack()
    {
        var tokenizer = SharedBpeTranslationTokenizer.Learn(Pairs(), vocabSize: 300);
        tokenizer.Save(_dir);
        Assert.True(File.Exists(Path.Combine(_dir, "vocab.json")) && File.Exists(Path.Combine(_dir, "merges.txt")));
        var asTranslation = TranslationTokenizerFiles.Load(_dir);
        Assert.IsType<SharedBpeTranslationTokenizer>(asTranslation);
        const string text = "La mise à jour de l’été";
        Assert.Equal(tokenizer.EncodeSource(text), asTranslation.EncodeSource(text));
        Assert.Equal((tokenizer.EosId, tokenizer.PadId), (asTranslation.EosId, asTranslation.PadId));
        var plain = TokenizerFiles.Load(_dir);
        Assert.Equal(tokenizer.VocabSize, plain.VocabSize);
        Assert.Equal(tokenizer.EncodeSource(text).SkipLast(1), plain.Encode(text));
    }

    [Fact]
    public void Load_ABpeWithoutTheTranslationTokens_SaysWhatIsMissing()
    {
        BpeTrainer.Train("some text some text", new BpeTrainerOptions { VocabSize = 260 }).Save(_dir);
        var e = Assert.Throws<InvalidDataException>(() => TranslationTokenizerFiles.Load(_dir));
        Assert.Contains("lacks </s>", e.Message);
    }
}
