using System.Text.Json.Nodes;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>What <see cref="TokenizerJson.Load"/> does not support is one line naming the file, the key and the value.</summary>
public class TokenizerJsonErrorTests
{
    private static JsonObject Fixture()
    {
        return (JsonObject)JsonNode.Parse(File.ReadAllText(LearnedFixture.Path))!;
    }

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "model.type", "\"WordPiece\"", "model.type 'WordPiece' is not supported" },
        { "model.byte_fallback", "true", "model.byte_fallback true is not supported; supported: false with a ByteLevel pre-tokenizer" },
        { "model.dropout", "0.1", "model.dropout 0.1 is not supported" },
        { "normalizer", "{\"type\": \"Precompiled\", \"precompiled_charsmap\": \"\"}", "normalizer.type 'Precompiled' is not supported" },
        { "normalizer", "{\"type\": \"NFKC\"}", "normalizer.type 'NFKC'" },
        { "pre_tokenizer", "{\"type\": \"Metaspace\", \"replacement\": \"▁\"}", "is not supported; supported: one with a ByteLevel step (byte-level BPE, as decoder ByteLevel needs)" },
        { "pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Whitespace\"}]}", "pre_tokenizer.pretokenizers[0].type 'Whitespace'" },
        { "pre_tokenizer", "null", "one with a ByteLevel step" },
        { "pre_tokenizer", "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"a++(\"}, \"behavior\": \"Isolated\", \"invert\": false}", "pre_tokenizer.pattern.Regex" },
        { "decoder", "{\"type\": \"Sequence\", \"decoders\": []}", "decoder.type 'Sequence' is not supported" },
        { "post_processor", "{\"type\": \"BertProcessing\"}", "post_processor.type 'BertProcessing'" },
        { "model.merges", "[[\"a\"]]", "model.merges[0]" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Unsupported_IsOneLineNamingFileKeyAndValue(string key, string valueJson, string expected) =>
        AssertOneLineError(Fixture(), key, valueJson, expected);

    /// <summary>Sets <paramref name="key"/> ("a" or "a.b") of <paramref name="root"/> to <paramref name="valueJson"/>
    /// and checks that loading the file is one error line naming it and holding <paramref name="expected"/>.</summary>
    internal static void AssertOneLineError(JsonObject root, string key, string valueJson, string expected)
    {
        string[] path = key.Split('.');
        var parent = path.Length == 1 ? root : (JsonObject)root[path[0]]!;
        parent[path[^1]] = JsonNode.Parse(valueJson);
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), root.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(dir.Path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(dir.File("tokenizer.json"), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
