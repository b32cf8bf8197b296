using System.Text.Json.Nodes;
using LlmForge.Checkpoints;
using LlmForge.Lora;
using Xunit;

namespace LlmForge.Tests.Lora;

public sealed class LoraAdapterFilesTests
{
    [Fact]
    public void Save_WritesPeftsLayout_AndLoadGivesTheSameOutputs()
    {
        var model = LoraModels.Create(LoraModels.Gpt2);
        var (ids, _) = LoraModels.Batch(model.Config.VocabSize);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 4, Alpha = 8 }, seed: 9);
        LoraAdaptersTests.Randomize(adapters);
        float[] adapted = LoraAdaptersTests.Logits(model, ids);
        string dir = LoraAdaptersTests.TempDirectory();
        LoraAdapterFiles.Save(adapters, dir, baseModel: "gpt2");

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!;
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(8f, (float)config["lora_alpha"]!);
        Assert.Equal(0f, (float)config["lora_dropout"]!);
        Assert.True((bool)config["fan_in_fan_out"]!);
        Assert.Equal("gpt2", (string?)config["base_model_name_or_path"]);
        Assert.Equal("CAUSAL_LM", (string?)config["task_type"]);
        Assert.Equal(["c_attn", "c_proj", "c_fc"], config["target_modules"]!.AsArray().Select(n => (string)n!));
        using (var file = SafeTensorsFile.Open(Path.Combine(dir, "adapter_model.safetensors")))
        {
            Assert.Equal(16, file.Entries.Count);
            Assert.True(file.TryGetEntry("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight", out var b));
            Assert.Equal([48, 4], b.Shape);
            Assert.True(file.TryGetEntry("base_model.model.transformer.h.0.attn.c_proj.lora_A.weight", out var a));
            Assert.Equal([4, 16], a.Shape);
        }

        var fresh = LoraModels.Create(LoraModels.Gpt2);
        var loaded = LoraAdapterFiles.Load(fresh, dir);
        Assert.Equal(adapters.Options.Targets, loaded.Options.Targets);
        Assert.Equal(adapted, LoraAdaptersTests.Logits(fresh, ids));
    }

    [Fact]
    public void OneOfTwoSameNamedModules_IsNamedByItsParent()
    {
        // GPT-2 has attn.c_proj and mlp.c_proj: adapting only the attention's must not select the MLP's on load.
        var model = LoraModels.Create(LoraModels.Gpt2);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Targets = ["attn.proj"] });
        string dir = LoraAdaptersTests.TempDirectory();
        LoraAdapterFiles.Save(adapters, dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!;
        Assert.Equal(["attn.c_proj"], config["target_modules"]!.AsArray().Select(n => (string)n!));
        var loaded = LoraAdapterFiles.Load(LoraModels.Create(LoraModels.Gpt2), dir);
        Assert.Equal(["transformer.h.0.attn.c_proj", "transformer.h.1.attn.c_proj"], loaded.Layers.Select(l => l.Site.Module));
    }

    [Fact]
    public void LlamaAdapters_RoundTrip()
    {
        var model = LoraModels.Create(LoraModels.Llama);
        var (ids, _) = LoraModels.Batch(model.Config.VocabSize);
        var adapters = LoraAdapters.Create(model, new LoraOptions { Rank = 2, Alpha = 4, Targets = ["attn.qkv", "mlp"] }, seed: 1);
        LoraAdaptersTests.Randomize(adapters);
        float[] adapted = LoraAdaptersTests.Logits(model, ids);
        string dir = LoraAdaptersTests.TempDirectory();
        LoraAdapterFiles.Save(adapters, dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!;
        Assert.Equal(["q_proj", "k_proj", "v_proj", "gate_proj", "up_proj", "down_proj"], config["target_modules"]!.AsArray().Select(n => (string)n!));
        Assert.False((bool)config["fan_in_fan_out"]!);
        var fresh = LoraModels.Create(LoraModels.Llama);
        LoraAdapterFiles.Load(fresh, dir);
        Assert.Equal(adapted, LoraAdaptersTests.Logits(fresh, ids));
    }

    [Fact]
    public void Load_RefusesAnotherPeftType_NamingTheKey()
    {
        string dir = SavedAdapters();
        Edit(dir, c => c["peft_type"] = "PREFIX_TUNING");
        var e = Assert.Throws<CheckpointFormatException>(() => LoraAdapterFiles.Load(LoraModels.Create(LoraModels.Gpt2), dir));
        Assert.Contains("key \"peft_type\" is \"PREFIX_TUNING\"", e.Message);
    }

    [Fact]
    public void Load_RefusesAMissingRank_NamingTheKey()
    {
        string dir = SavedAdapters();
        Edit(dir, c => c.AsObject().Remove("r"));
        var e = Assert.Throws<CheckpointFormatException>(() => LoraAdapterFiles.Load(LoraModels.Create(LoraModels.Gpt2), dir));
        Assert.Contains("required key \"r\" is missing", e.Message);
    }

    [Fact]
    public void Load_RefusesWeightsOfAnotherRank_AndLeavesTheModelUnadapted()
    {
        string dir = SavedAdapters();
        Edit(dir, c => c["r"] = 3);
        var model = LoraModels.Create(LoraModels.Gpt2);
        var e = Assert.Throws<CheckpointFormatException>(() => LoraAdapterFiles.Load(model, dir));
        Assert.Contains("lora_A.weight", e.Message);
        Assert.All(LoraTargets.Sites(model).SelectMany(s => s.Parts), l => Assert.Null(l.Adapter));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void Load_RefusesTargetsThatSelectNothing()
    {
        string dir = SavedAdapters();
        Edit(dir, c => c["target_modules"] = new JsonArray("q_proj"));
        var e = Assert.Throws<CheckpointFormatException>(() => LoraAdapterFiles.Load(LoraModels.Create(LoraModels.Gpt2), dir));
        Assert.Contains("key \"target_modules\" (q_proj) selects none", e.Message);
    }

    private static string SavedAdapters()
    {
        string dir = LoraAdaptersTests.TempDirectory();
        LoraAdapterFiles.Save(LoraAdapters.Create(LoraModels.Create(LoraModels.Gpt2), new LoraOptions { Rank = 2 }), dir);
        return dir;
    }

    private static void Edit(string dir, Action<JsonNode> edit)
    {
        string path = Path.Combine(dir, "adapter_config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
    }
}
