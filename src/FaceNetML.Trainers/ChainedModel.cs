using Microsoft.ML;
using Microsoft.ML.Data;

namespace FaceNetML.Trainers;

/// <summary>
/// A fitted FaceNetML trainer's result: facts about the training plus the ML.NET <see cref="Chain"/> of public
/// transforms that does the work. It saves as that chain, so loading model.zip gives the chain back (outside
/// assemblies cannot persist their own transformer state in ML.NET's format).
/// </summary>
public abstract class ChainedModel(ITransformer chain) : ITransformer
{
    public ITransformer Chain { get; } = chain;

    public bool IsRowToRowMapper => Chain.IsRowToRowMapper;
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Chain.GetOutputSchema(inputSchema);
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Chain.GetRowToRowMapper(inputSchema);
    public IDataView Transform(IDataView input) => Chain.Transform(input);
    void ICanSaveModel.Save(ModelSaveContext ctx) => Chain.Save(ctx);
}
