using SQLitePCL;

namespace Tandem.Host.Hosting;

/// <summary>
/// An <see cref="ISQLite3Provider"/> that hands every call to another provider unchanged; a subclass overrides the few
/// calls it changes (<see cref="SqliteStatementCache"/> keeps prepared statements). The members mirror
/// SQLitePCLRaw's interface one to one, which is why they keep SQLite's own names.
/// </summary>
internal abstract class SqliteProviderDecorator(ISQLite3Provider inner) : ISQLite3Provider
{
    protected ISQLite3Provider Inner { get; } = inner;

    public virtual string GetNativeLibraryName() => Inner.GetNativeLibraryName();

    public virtual int sqlite3_open(utf8z filename, out IntPtr db) => Inner.sqlite3_open(filename, out db);

    public virtual int sqlite3_open_v2(utf8z filename, out IntPtr db, int flags, utf8z vfs) => Inner.sqlite3_open_v2(filename, out db, flags, vfs);

    public virtual int sqlite3_close_v2(IntPtr db) => Inner.sqlite3_close_v2(db);

    public virtual int sqlite3_close(IntPtr db) => Inner.sqlite3_close(db);

    public virtual int sqlite3_enable_shared_cache(int enable) => Inner.sqlite3_enable_shared_cache(enable);

    public virtual void sqlite3_interrupt(sqlite3 db) => Inner.sqlite3_interrupt(db);

    public virtual int sqlite3__vfs__delete(utf8z vfs, utf8z pathname, int syncDir) => Inner.sqlite3__vfs__delete(vfs, pathname, syncDir);

    public virtual int sqlite3_threadsafe() => Inner.sqlite3_threadsafe();

    public virtual utf8z sqlite3_libversion() => Inner.sqlite3_libversion();

    public virtual int sqlite3_libversion_number() => Inner.sqlite3_libversion_number();

    public virtual utf8z sqlite3_sourceid() => Inner.sqlite3_sourceid();

    public virtual long sqlite3_memory_used() => Inner.sqlite3_memory_used();

    public virtual long sqlite3_memory_highwater(int resetFlag) => Inner.sqlite3_memory_highwater(resetFlag);

    public virtual long sqlite3_soft_heap_limit64(long n) => Inner.sqlite3_soft_heap_limit64(n);

    public virtual long sqlite3_hard_heap_limit64(long n) => Inner.sqlite3_hard_heap_limit64(n);

    public virtual int sqlite3_status(int op, out int current, out int highwater, int resetFlag) => Inner.sqlite3_status(op, out current, out highwater, resetFlag);

    public virtual int sqlite3_db_readonly(sqlite3 db, utf8z dbName) => Inner.sqlite3_db_readonly(db, dbName);

    public virtual utf8z sqlite3_db_filename(sqlite3 db, utf8z att) => Inner.sqlite3_db_filename(db, att);

    public virtual utf8z sqlite3_errmsg(sqlite3 db) => Inner.sqlite3_errmsg(db);

    public virtual long sqlite3_last_insert_rowid(sqlite3 db) => Inner.sqlite3_last_insert_rowid(db);

    public virtual int sqlite3_changes(sqlite3 db) => Inner.sqlite3_changes(db);

    public virtual int sqlite3_total_changes(sqlite3 db) => Inner.sqlite3_total_changes(db);

    public virtual int sqlite3_get_autocommit(sqlite3 db) => Inner.sqlite3_get_autocommit(db);

    public virtual int sqlite3_busy_timeout(sqlite3 db, int ms) => Inner.sqlite3_busy_timeout(db, ms);

    public virtual int sqlite3_extended_result_codes(sqlite3 db, int onoff) => Inner.sqlite3_extended_result_codes(db, onoff);

    public virtual int sqlite3_errcode(sqlite3 db) => Inner.sqlite3_errcode(db);

    public virtual int sqlite3_extended_errcode(sqlite3 db) => Inner.sqlite3_extended_errcode(db);

    public virtual utf8z sqlite3_errstr(int rc) => Inner.sqlite3_errstr(rc);

    public virtual int sqlite3_prepare_v2(sqlite3 db, ReadOnlySpan<byte> sql, out IntPtr stmt, out ReadOnlySpan<byte> remain) => Inner.sqlite3_prepare_v2(db, sql, out stmt, out remain);

    public virtual int sqlite3_prepare_v3(sqlite3 db, ReadOnlySpan<byte> sql, uint flags, out IntPtr stmt, out ReadOnlySpan<byte> remain) => Inner.sqlite3_prepare_v3(db, sql, flags, out stmt, out remain);

    [Obsolete("Obsolete in SQLitePCLRaw, passed on as it is.")]
    public virtual int sqlite3_prepare_v2(sqlite3 db, utf8z sql, out IntPtr stmt, out utf8z remain) => Inner.sqlite3_prepare_v2(db, sql, out stmt, out remain);

    [Obsolete("Obsolete in SQLitePCLRaw, passed on as it is.")]
    public virtual int sqlite3_prepare_v3(sqlite3 db, utf8z sql, uint flags, out IntPtr stmt, out utf8z remain) => Inner.sqlite3_prepare_v3(db, sql, flags, out stmt, out remain);

    public virtual int sqlite3_step(sqlite3_stmt stmt) => Inner.sqlite3_step(stmt);

    public virtual int sqlite3_finalize(IntPtr stmt) => Inner.sqlite3_finalize(stmt);

    public virtual int sqlite3_reset(sqlite3_stmt stmt) => Inner.sqlite3_reset(stmt);

    public virtual int sqlite3_clear_bindings(sqlite3_stmt stmt) => Inner.sqlite3_clear_bindings(stmt);

    public virtual int sqlite3_stmt_status(sqlite3_stmt stmt, int op, int resetFlg) => Inner.sqlite3_stmt_status(stmt, op, resetFlg);

    public virtual utf8z sqlite3_sql(sqlite3_stmt stmt) => Inner.sqlite3_sql(stmt);

    public virtual IntPtr sqlite3_db_handle(IntPtr stmt) => Inner.sqlite3_db_handle(stmt);

    public virtual IntPtr sqlite3_next_stmt(sqlite3 db, IntPtr stmt) => Inner.sqlite3_next_stmt(db, stmt);

    public virtual int sqlite3_bind_zeroblob(sqlite3_stmt stmt, int index, int size) => Inner.sqlite3_bind_zeroblob(stmt, index, size);

    public virtual utf8z sqlite3_bind_parameter_name(sqlite3_stmt stmt, int index) => Inner.sqlite3_bind_parameter_name(stmt, index);

    public virtual int sqlite3_bind_blob(sqlite3_stmt stmt, int index, ReadOnlySpan<byte> blob) => Inner.sqlite3_bind_blob(stmt, index, blob);

    public virtual int sqlite3_bind_double(sqlite3_stmt stmt, int index, double val) => Inner.sqlite3_bind_double(stmt, index, val);

    public virtual int sqlite3_bind_int(sqlite3_stmt stmt, int index, int val) => Inner.sqlite3_bind_int(stmt, index, val);

    public virtual int sqlite3_bind_int64(sqlite3_stmt stmt, int index, long val) => Inner.sqlite3_bind_int64(stmt, index, val);

    public virtual int sqlite3_bind_null(sqlite3_stmt stmt, int index) => Inner.sqlite3_bind_null(stmt, index);

    public virtual int sqlite3_bind_text(sqlite3_stmt stmt, int index, ReadOnlySpan<byte> text) => Inner.sqlite3_bind_text(stmt, index, text);

    public virtual int sqlite3_bind_text16(sqlite3_stmt stmt, int index, ReadOnlySpan<Char> text) => Inner.sqlite3_bind_text16(stmt, index, text);

    public virtual int sqlite3_bind_text(sqlite3_stmt stmt, int index, utf8z text) => Inner.sqlite3_bind_text(stmt, index, text);

    public virtual int sqlite3_bind_parameter_count(sqlite3_stmt stmt) => Inner.sqlite3_bind_parameter_count(stmt);

    public virtual int sqlite3_bind_parameter_index(sqlite3_stmt stmt, utf8z strName) => Inner.sqlite3_bind_parameter_index(stmt, strName);

    public virtual utf8z sqlite3_column_database_name(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_database_name(stmt, index);

    public virtual utf8z sqlite3_column_name(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_name(stmt, index);

    public virtual utf8z sqlite3_column_origin_name(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_origin_name(stmt, index);

    public virtual utf8z sqlite3_column_table_name(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_table_name(stmt, index);

    public virtual utf8z sqlite3_column_text(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_text(stmt, index);

    public virtual int sqlite3_data_count(sqlite3_stmt stmt) => Inner.sqlite3_data_count(stmt);

    public virtual int sqlite3_column_count(sqlite3_stmt stmt) => Inner.sqlite3_column_count(stmt);

    public virtual double sqlite3_column_double(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_double(stmt, index);

    public virtual int sqlite3_column_int(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_int(stmt, index);

    public virtual long sqlite3_column_int64(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_int64(stmt, index);

    public virtual ReadOnlySpan<byte> sqlite3_column_blob(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_blob(stmt, index);

    public virtual int sqlite3_column_bytes(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_bytes(stmt, index);

    public virtual int sqlite3_column_type(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_type(stmt, index);

    public virtual utf8z sqlite3_column_decltype(sqlite3_stmt stmt, int index) => Inner.sqlite3_column_decltype(stmt, index);

    public virtual int sqlite3_snapshot_get(sqlite3 db, utf8z schema, out IntPtr snap) => Inner.sqlite3_snapshot_get(db, schema, out snap);

    public virtual int sqlite3_snapshot_cmp(sqlite3_snapshot p1, sqlite3_snapshot p2) => Inner.sqlite3_snapshot_cmp(p1, p2);

    public virtual int sqlite3_snapshot_open(sqlite3 db, utf8z schema, sqlite3_snapshot snap) => Inner.sqlite3_snapshot_open(db, schema, snap);

    public virtual int sqlite3_snapshot_recover(sqlite3 db, utf8z name) => Inner.sqlite3_snapshot_recover(db, name);

    public virtual void sqlite3_snapshot_free(IntPtr snap) => Inner.sqlite3_snapshot_free(snap);

    public virtual sqlite3_backup sqlite3_backup_init(sqlite3 destDb, utf8z destName, sqlite3 sourceDb, utf8z sourceName) => Inner.sqlite3_backup_init(destDb, destName, sourceDb, sourceName);

    public virtual int sqlite3_backup_step(sqlite3_backup backup, int nPage) => Inner.sqlite3_backup_step(backup, nPage);

    public virtual int sqlite3_backup_remaining(sqlite3_backup backup) => Inner.sqlite3_backup_remaining(backup);

    public virtual int sqlite3_backup_pagecount(sqlite3_backup backup) => Inner.sqlite3_backup_pagecount(backup);

    public virtual int sqlite3_backup_finish(IntPtr backup) => Inner.sqlite3_backup_finish(backup);

    public virtual int sqlite3_blob_open(sqlite3 db, utf8z db_utf8, utf8z table_utf8, utf8z col_utf8, long rowid, int flags, out sqlite3_blob blob) => Inner.sqlite3_blob_open(db, db_utf8, table_utf8, col_utf8, rowid, flags, out blob);

    public virtual int sqlite3_blob_bytes(sqlite3_blob blob) => Inner.sqlite3_blob_bytes(blob);

    public virtual int sqlite3_blob_reopen(sqlite3_blob blob, long rowid) => Inner.sqlite3_blob_reopen(blob, rowid);

    public virtual int sqlite3_blob_write(sqlite3_blob blob, ReadOnlySpan<byte> b, int offset) => Inner.sqlite3_blob_write(blob, b, offset);

    public virtual int sqlite3_blob_read(sqlite3_blob blob, Span<byte> b, int offset) => Inner.sqlite3_blob_read(blob, b, offset);

    public virtual int sqlite3_blob_close(IntPtr blob) => Inner.sqlite3_blob_close(blob);

    public virtual int sqlite3_config_log(delegate_log func, object v) => Inner.sqlite3_config_log(func, v);

    public virtual void sqlite3_log(int errcode, utf8z s) => Inner.sqlite3_log(errcode, s);

    public virtual void sqlite3_commit_hook(sqlite3 db, delegate_commit func, object v) => Inner.sqlite3_commit_hook(db, func, v);

    public virtual void sqlite3_rollback_hook(sqlite3 db, delegate_rollback func, object v) => Inner.sqlite3_rollback_hook(db, func, v);

    public virtual void sqlite3_trace(sqlite3 db, delegate_trace func, object v) => Inner.sqlite3_trace(db, func, v);

    public virtual void sqlite3_profile(sqlite3 db, delegate_profile func, object v) => Inner.sqlite3_profile(db, func, v);

    public virtual void sqlite3_progress_handler(sqlite3 db, int instructions, delegate_progress func, object v) => Inner.sqlite3_progress_handler(db, instructions, func, v);

    public virtual void sqlite3_update_hook(sqlite3 db, delegate_update func, object v) => Inner.sqlite3_update_hook(db, func, v);

    public virtual int sqlite3_create_collation(sqlite3 db, byte[] name, object v, delegate_collation func) => Inner.sqlite3_create_collation(db, name, v, func);

    public virtual int sqlite3_create_function(sqlite3 db, byte[] name, int nArg, int flags, object v, delegate_function_scalar func) => Inner.sqlite3_create_function(db, name, nArg, flags, v, func);

    public virtual int sqlite3_create_function(sqlite3 db, byte[] name, int nArg, int flags, object v, delegate_function_aggregate_step func_step, delegate_function_aggregate_final func_final) => Inner.sqlite3_create_function(db, name, nArg, flags, v, func_step, func_final);

    public virtual int sqlite3_db_status(sqlite3 db, int op, out int current, out int highest, int resetFlg) => Inner.sqlite3_db_status(db, op, out current, out highest, resetFlg);

    public virtual void sqlite3_result_blob(IntPtr context, ReadOnlySpan<byte> val) => Inner.sqlite3_result_blob(context, val);

    public virtual void sqlite3_result_double(IntPtr context, double val) => Inner.sqlite3_result_double(context, val);

    public virtual void sqlite3_result_error(IntPtr context, ReadOnlySpan<byte> strErr) => Inner.sqlite3_result_error(context, strErr);

    public virtual void sqlite3_result_error(IntPtr context, utf8z strErr) => Inner.sqlite3_result_error(context, strErr);

    public virtual void sqlite3_result_int(IntPtr context, int val) => Inner.sqlite3_result_int(context, val);

    public virtual void sqlite3_result_int64(IntPtr context, long val) => Inner.sqlite3_result_int64(context, val);

    public virtual void sqlite3_result_null(IntPtr context) => Inner.sqlite3_result_null(context);

    public virtual void sqlite3_result_text(IntPtr context, ReadOnlySpan<byte> val) => Inner.sqlite3_result_text(context, val);

    public virtual void sqlite3_result_text(IntPtr context, utf8z val) => Inner.sqlite3_result_text(context, val);

    public virtual void sqlite3_result_zeroblob(IntPtr context, int n) => Inner.sqlite3_result_zeroblob(context, n);

    public virtual void sqlite3_result_error_toobig(IntPtr context) => Inner.sqlite3_result_error_toobig(context);

    public virtual void sqlite3_result_error_nomem(IntPtr context) => Inner.sqlite3_result_error_nomem(context);

    public virtual void sqlite3_result_error_code(IntPtr context, int code) => Inner.sqlite3_result_error_code(context, code);

    public virtual ReadOnlySpan<byte> sqlite3_value_blob(IntPtr p) => Inner.sqlite3_value_blob(p);

    public virtual int sqlite3_value_bytes(IntPtr p) => Inner.sqlite3_value_bytes(p);

    public virtual double sqlite3_value_double(IntPtr p) => Inner.sqlite3_value_double(p);

    public virtual int sqlite3_value_int(IntPtr p) => Inner.sqlite3_value_int(p);

    public virtual long sqlite3_value_int64(IntPtr p) => Inner.sqlite3_value_int64(p);

    public virtual int sqlite3_value_type(IntPtr p) => Inner.sqlite3_value_type(p);

    public virtual utf8z sqlite3_value_text(IntPtr p) => Inner.sqlite3_value_text(p);

    public virtual int sqlite3_stmt_isexplain(sqlite3_stmt stmt) => Inner.sqlite3_stmt_isexplain(stmt);

    public virtual int sqlite3_stmt_busy(sqlite3_stmt stmt) => Inner.sqlite3_stmt_busy(stmt);

    public virtual int sqlite3_stmt_readonly(sqlite3_stmt stmt) => Inner.sqlite3_stmt_readonly(stmt);

    public virtual int sqlite3_exec(sqlite3 db, utf8z sql, delegate_exec callback, object user_data, out IntPtr errMsg) => Inner.sqlite3_exec(db, sql, callback, user_data, out errMsg);

    public virtual int sqlite3_complete(utf8z sql) => Inner.sqlite3_complete(sql);

    public virtual int sqlite3_compileoption_used(utf8z sql) => Inner.sqlite3_compileoption_used(sql);

    public virtual utf8z sqlite3_compileoption_get(int n) => Inner.sqlite3_compileoption_get(n);

    public virtual int sqlite3_wal_autocheckpoint(sqlite3 db, int n) => Inner.sqlite3_wal_autocheckpoint(db, n);

    public virtual int sqlite3_wal_checkpoint(sqlite3 db, utf8z dbName) => Inner.sqlite3_wal_checkpoint(db, dbName);

    public virtual int sqlite3_wal_checkpoint_v2(sqlite3 db, utf8z dbName, int eMode, out int logSize, out int framesCheckPointed) => Inner.sqlite3_wal_checkpoint_v2(db, dbName, eMode, out logSize, out framesCheckPointed);

    public virtual int sqlite3_table_column_metadata(sqlite3 db, utf8z dbName, utf8z tblName, utf8z colName, out utf8z dataType, out utf8z collSeq, out int notNull, out int primaryKey, out int autoInc) => Inner.sqlite3_table_column_metadata(db, dbName, tblName, colName, out dataType, out collSeq, out notNull, out primaryKey, out autoInc);

    public virtual int sqlite3_set_authorizer(sqlite3 db, delegate_authorizer authorizer, object user_data) => Inner.sqlite3_set_authorizer(db, authorizer, user_data);

    public virtual int sqlite3_stricmp(IntPtr p, IntPtr q) => Inner.sqlite3_stricmp(p, q);

    public virtual int sqlite3_strnicmp(IntPtr p, IntPtr q, int n) => Inner.sqlite3_strnicmp(p, q, n);

    public virtual IntPtr sqlite3_malloc(int n) => Inner.sqlite3_malloc(n);

    public virtual IntPtr sqlite3_malloc64(long n) => Inner.sqlite3_malloc64(n);

    public virtual void sqlite3_free(IntPtr p) => Inner.sqlite3_free(p);

    public virtual int sqlite3_key(sqlite3 db, ReadOnlySpan<byte> key) => Inner.sqlite3_key(db, key);

    public virtual int sqlite3_key_v2(sqlite3 db, utf8z dbname, ReadOnlySpan<byte> key) => Inner.sqlite3_key_v2(db, dbname, key);

    public virtual int sqlite3_rekey(sqlite3 db, ReadOnlySpan<byte> key) => Inner.sqlite3_rekey(db, key);

    public virtual int sqlite3_rekey_v2(sqlite3 db, utf8z dbname, ReadOnlySpan<byte> key) => Inner.sqlite3_rekey_v2(db, dbname, key);

    public virtual int sqlite3_load_extension(sqlite3 db, utf8z zFile, utf8z zProc, out utf8z pzErrMsg) => Inner.sqlite3_load_extension(db, zFile, zProc, out pzErrMsg);

    public virtual int sqlite3_initialize() => Inner.sqlite3_initialize();

    public virtual int sqlite3_shutdown() => Inner.sqlite3_shutdown();

    public virtual int sqlite3_limit(sqlite3 db, int id, int newVal) => Inner.sqlite3_limit(db, id, newVal);

    public virtual int sqlite3_config(int op) => Inner.sqlite3_config(op);

    public virtual int sqlite3_config(int op, int val) => Inner.sqlite3_config(op, val);

    public virtual int sqlite3_db_config(sqlite3 db, int op, utf8z val) => Inner.sqlite3_db_config(db, op, val);

    public virtual int sqlite3_db_config(sqlite3 db, int op, int val, out int result) => Inner.sqlite3_db_config(db, op, val, out result);

    public virtual int sqlite3_db_config(sqlite3 db, int op, IntPtr ptr, int int0, int int1) => Inner.sqlite3_db_config(db, op, ptr, int0, int1);

    public virtual int sqlite3_enable_load_extension(sqlite3 db, int enable) => Inner.sqlite3_enable_load_extension(db, enable);

    public virtual int sqlite3_win32_set_directory(int typ, utf8z path) => Inner.sqlite3_win32_set_directory(typ, path);

    public virtual int sqlite3_keyword_count() => Inner.sqlite3_keyword_count();

    public virtual int sqlite3_keyword_name(int i, out string name) => Inner.sqlite3_keyword_name(i, out name);

    public virtual IntPtr sqlite3_serialize(sqlite3 db, utf8z schema, out long size, int flags) => Inner.sqlite3_serialize(db, schema, out size, flags);

    public virtual int sqlite3_deserialize(sqlite3 db, utf8z schema, IntPtr data, long szDb, long szBuf, int flags) => Inner.sqlite3_deserialize(db, schema, data, szDb, szBuf, flags);
}
