using LlmForge.Data;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Data.Translation;

public class Seq2SeqBatchTests
{
    private const int Pad = 9, Eos = 0;

    [Fact]
    public void Batch_PadsSources_ShiftsDecoderInputsRight_AndIgnoresPaddedLabels()
    {
        Seq2SeqExample[] examples = [new([5, 6, 7, Eos], [3, 4, Eos]), new([8, Eos], [2, 2, 2, 1, Eos])];
        var batch = new Seq2SeqBatch(examples, padId: Pad, decoderStartId: Pad);
        Assert.Equal((2, 4, 5), (batch.BatchSize, batch.SourceLength, batch.TargetLength));
        Assert.Equal([5, 6, 7, Eos, 8, Eos, Pad, Pad], batch.SourceIds);
        Assert.Equal([1, 1, 1, 1, 1, 1, 0, 0], batch.SourceMask);
        Assert.Equal([Pad, 3, 4, Pad, Pad, Pad, 2, 2, 2, 1], batch.DecoderInputIds);
        Assert.Equal([3, 4, Eos, -100, -100, 2, 2, 2, 1, Eos], batch.Labels);
        Assert.Equal(-100, Seq2SeqBatch.IgnoreIndex);
        Assert.Equal(8, batch.LabelCount);
    }

    [Fact]
    public void Batch_RejectsNoExampleAndAnEmptySide()
    {
        Assert.Throws<ArgumentException>(() => new Seq2SeqBatch([], Pad, Pad));
        Assert.Throws<ArgumentException>(() => new Seq2SeqBatch([new([1, Eos], [])], Pad, Pad));
    }

    [Fact]
    public void Encode_TruncatesKeepingTheEos()
    {
        var tokenizer = MarianTokenizer.FromDirectory(FixturePath.Of("translation", "opus-mt-tiny"));
        var pair = new TranslationPair("Are you sure you want to delete this file?", "Voulez-vous vraiment supprimer ce fichier ?");
        var full = Seq2SeqExample.Encode(pair, tokenizer, 512, 512);
        Assert.Equal(tokenizer.EncodeSource(pair.Source), full.SourceIds);
        Assert.Equal(tokenizer.EncodeTarget(pair.Target), full.TargetIds);
        var cut = Seq2SeqExample.Encode(pair, tokenizer, 4, 3);
        Assert.Equal([.. full.SourceIds.Take(3), tokenizer.EosId], cut.SourceIds);
        Assert.Equal([.. full.TargetIds.Take(2), tokenizer.EosId], cut.TargetIds);
        Assert.Throws<ArgumentOutOfRangeException>(() => Seq2SeqExample.Encode(pair, tokenizer, 1, 8));
    }

    [Fact]
    public void ByLength_GroupsSimilarLengths_CoversEveryExampleOnce_AndIsTheSameForTheSameSeedAndEpoch()
    {
        var random = new Random(3);
        Seq2SeqExample[] examples = [.. Enumerable.Range(0, 50).Select(_ =>
            new Seq2SeqExample(new int[random.Next(1, 30)], new int[random.Next(1, 30)]))];
        var batches = Seq2SeqBatching.ByLength(examples, batchSize: 8, seed: 5, epoch: 0);
        Assert.Equal(7, batches.Count);
        Assert.Equal(Enumerable.Range(0, 50), batches.SelectMany(b => b).Order());
        Assert.Equal(batches, Seq2SeqBatching.ByLength(examples, 8, 5, 0));
        Assert.NotEqual(batches, Seq2SeqBatching.ByLength(examples, 8, 5, 1));
        // Sorted by source length before grouping: the source lengths of two batches never interleave.
        var ranges = batches.Select(b => (Min: b.Min(i => examples[i].SourceIds.Length), Max: b.Max(i => examples[i].SourceIds.Length)))
            .OrderBy(r => r.Min).ThenBy(r => r.Max).ToArray();
        Assert.True(ranges.Zip(ranges.Skip(1)).All(p => p.First.Max <= p.Second.Min), string.Join(" ", ranges));
        int padded = batches.Sum(b => b.Length * b.Max(i => examples[i].SourceIds.Length) - b.Sum(i => examples[i].SourceIds.Length));
        int paddedInFileOrder = examples.Chunk(8).Sum(b => b.Length * b.Max(e => e.SourceIds.Length) - b.Sum(e => e.SourceIds.Length));
        Assert.True(padded < paddedInFileOrder / 3, $"{padded} padded source positions by length vs {paddedInFileOrder} in file order");
    }
}
