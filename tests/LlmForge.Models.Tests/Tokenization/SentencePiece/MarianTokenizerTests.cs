using System.Text.Json;
using LlmForge.Tokenization;
using Xunit;
using static LlmForge.Tests.Tokenization.SentencePiece.SentencePieceModelTests;

namespace LlmForge.Tests.Tokenization.SentencePiece;

public sealed class MarianTokenizerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "llmforge-marian-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static MarianTokenizer Tiny() => MarianTokenizer.FromDirectory(Fixture("opus-mt-tiny"));

    /// <summary>
    /// The opus-mt-like fixture directory (source.spm, target.spm, vocab.json from tools/reference/sentencepiece_reference.py):
    /// source ids, target ids (text_target=) and the decoded target of every fixture string are transformers'
    /// MarianTokenizer's, built there on the reference sentencepiece library.
    /// </summary>
    [Fact]
    public void EncodeAndDecode_MatchTheReferenceOnEveryFixtureString()
    {
        var tokenizer = Tiny();
        var cases = Cases("opus-mt-tiny");
        Assert.Equal(cases.GetProperty("vocab_size").GetInt32(), tokenizer.VocabSize);
        var failures = new List<string>();
        int count = 0;
        foreach (var c in cases.GetProperty("cases").EnumerateArray())
        {
            count++;
            string text = c.GetProperty("text").GetString()!;
            string quoted = JsonSerializer.Serialize(text);
            int[] source = Ints(c.GetProperty("source_ids")), target = Ints(c.GetProperty("target_ids"));
            if (!tokenizer.EncodeSource(text).SequenceEqual(source))
                failures.Add($"{quoted} source: expected [{string.Join(" ", source)}], got [{string.Join(" ", tokenizer.EncodeSource(text))}]");
            if (!tokenizer.EncodeTarget(text).SequenceEqual(target))
                failures.Add($"{quoted} target: expected [{string.Join(" ", target)}], got [{string.Join(" ", tokenizer.EncodeTarget(text))}]");
            string decoded = tokenizer.DecodeTarget(target);
            if (decoded != c.GetProperty("decoded_target").GetString())
                failures.Add($"{quoted} decode: expected {JsonSerializer.Serialize(c.GetProperty("decoded_target").GetString())}, got {JsonSerializer.Serialize(decoded)}");
        }
        Assert.Equal(20, count);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void SpecialIds_AreMariansAndTheDecoderStartsWithPad()
    {
        var tokenizer = Tiny();
        Assert.Equal(0, tokenizer.EosId);
        Assert.Equal(1, tokenizer.UnknownId);
        Assert.Equal(tokenizer.VocabSize - 1, tokenizer.PadId);
        Assert.Equal(tokenizer.PadId, tokenizer.DecoderStartId);
        Assert.Equal(tokenizer.EosId, tokenizer.EncodeSource("Open the file")[^1]);
        Assert.Equal([tokenizer.EosId], tokenizer.EncodeSource(""));
    }

    [Fact]
    public void DecodeTarget_SkipsPaddingAndEos()
    {
        var tokenizer = Tiny();
        var ids = tokenizer.EncodeTarget("Ouvrir le fichier");
        int[] padded = [tokenizer.PadId, .. ids, tokenizer.PadId, tokenizer.PadId];
        Assert.Equal("Ouvrir le fichier", tokenizer.DecodeTarget(padded));
    }

    [Fact]
    public void LanguageCode_IsOneTokenBeforeTheSentencePieces()
    {
        var tokenizer = Tiny();
        var pieces = tokenizer.TokenizeSource(">>fra<< Open the file");
        Assert.Equal(">>fra<<", pieces[0]);
        Assert.Equal(tokenizer.TokenizeSource("Open the file"), pieces.Skip(1));
        // ">>.+<<" is greedy within the first line, as transformers' regex.
        Assert.Equal(">>fra<< x <<", tokenizer.TokenizeSource(">>fra<< x << y")[0]);
        Assert.Equal(">>fra<<", tokenizer.TokenizeSource(">>fra<< x\n<< y")[0]);
        Assert.NotEqual(">><<", tokenizer.TokenizeSource(">><< y")[0]);
        // vocab.json has no such code here: it is an unknown id, as in transformers.
        Assert.Equal(tokenizer.UnknownId, tokenizer.EncodeSource(">>fra<< Open the file")[0]);
    }

    [Fact]
    public void SaveThenLoad_GivesTheSameIds()
    {
        Tiny().Save(_dir);
        var loaded = TranslationTokenizerFiles.Load(_dir);
        Assert.IsType<MarianTokenizer>(loaded);
        const string text = "La mise à jour de « l’été » est disponible !";
        Assert.Equal(Tiny().EncodeSource(text), loaded.EncodeSource(text));
        Assert.Equal(Tiny().EncodeTarget(text), loaded.EncodeTarget(text));
    }

    [Fact]
    public void Load_NamesTheMissingFile()
    {
        Directory.CreateDirectory(_dir);
        File.Copy(Fixture("opus-mt-tiny", "source.spm"), Path.Combine(_dir, "source.spm"));
        File.Copy(Fixture("opus-mt-tiny", "vocab.json"), Path.Combine(_dir, "vocab.json"));
        var e = Assert.Throws<FileNotFoundException>(() => TranslationTokenizerFiles.Load(_dir));
        Assert.Contains("lacks target.spm", e.Message);
        File.WriteAllText(Path.Combine(_dir, "target.spm"), "not a model");
        var bad = Assert.Throws<InvalidDataException>(() => MarianTokenizer.FromDirectory(_dir));
        Assert.Contains("target.spm", bad.Message);
    }

    [Fact]
    public void TokenizerFilesLoad_NamesAMarianDirectoryForWhatItIs()
    {
        var e = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(Fixture("opus-mt-tiny")));
        Assert.Contains("holds a Marian translation tokenizer", e.Message);
    }
}
