using System.Text.Json;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization.SentencePiece;

public class SentencePieceModelTests
{
    internal static string Fixture(params string[] parts) => FixturePath.Of(["translation", .. parts]);

    internal static JsonElement Cases(string model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixture("sentencepiece-cases.json")));
        return doc.RootElement.GetProperty(model).Clone();
    }

    internal static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>
    /// The pieces, ids and decoded text of every string of tools/reference/sentencepiece_reference.py (accents,
    /// « l’été », no-break spaces, full-width forms, runs of spaces, characters outside the model) for a unigram and
    /// a BPE model trained by the reference sentencepiece library: the same, string for string.
    /// </summary>
    [Fact]
    public void Unigram_MatchesTheSentencePieceLibraryOnEveryFixtureString()
    {
        var mismatches = Mismatches("sp-unigram");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Select(m => m.What)));
    }

    /// <summary>
    /// A BPE model matches on every string but five, which Microsoft.ML.Tokenizers 2.0.1 (and 3.0.0) gets wrong for BPE
    /// models only: its SentencePieceBpeModel does not apply the model's precompiled nmt_nfkc map (the unigram model
    /// does), so a tab, no-break spaces, full-width forms, the ﬁ ligature and combining accents are not normalized; and a
    /// one-character text encodes to nothing. opus-mt's models are unigram, which is what <see cref="MarianTokenizer"/> reads.
    /// </summary>
    [Fact]
    public void Bpe_MatchesTheSentencePieceLibraryButForTheLibrarysKnownBpeGaps()
    {
        string[] known =
        [
            "many    spaces\tand a tab", "no\u00a0break\u202fspaces : 10\u00a0%", "Full-width ＡＢＣ １２３ and the ﬁ ligature",
            "e\u0301te\u0301 (combining accents)", "a",
        ];
        Assert.Equal(known, Mismatches("sp-bpe").Select(m => m.Text));
    }

    /// <summary>The fixture strings whose pieces, ids or decoded ids differ from the reference, with what differs.</summary>
    private static List<(string Text, string What)> Mismatches(string name)
    {
        var model = SentencePieceModel.Load(Fixture(name + ".model"));
        var cases = Cases(name);
        Assert.Equal(cases.GetProperty("vocab_size").GetInt32(), model.PieceCount);
        var failures = new List<(string Text, string What)>();
        int count = 0;
        foreach (var c in cases.GetProperty("cases").EnumerateArray())
        {
            count++;
            string text = c.GetProperty("text").GetString()!;
            string[] pieces = [.. c.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!)];
            int[] ids = Ints(c.GetProperty("ids"));
            var actualPieces = model.EncodeToPieces(text);
            var actualIds = model.EncodeToIds(text);
            string decoded = model.Decode(ids);
            var what = new List<string>();
            if (!actualPieces.SequenceEqual(pieces))
                what.Add($"pieces: expected [{string.Join(" ", pieces)}], got [{string.Join(" ", actualPieces)}]");
            if (!actualIds.SequenceEqual(ids))
                what.Add($"ids: expected [{string.Join(" ", ids)}], got [{string.Join(" ", actualIds)}]");
            if (decoded != c.GetProperty("decoded").GetString())
                what.Add($"decode: expected {JsonSerializer.Serialize(c.GetProperty("decoded").GetString())}, got {JsonSerializer.Serialize(decoded)}");
            if (what.Count > 0) failures.Add((text, $"{JsonSerializer.Serialize(text)} {string.Join("; ", what)}"));
        }
        Assert.Equal(20, count);
        return failures;
    }
}
