-- Which school code reported which form in which period: every list the warehouse counts, once.
select distinct period, school_code, 'hs_danh_sach' as form from staging.stg_csdl__hoc_sinh_files
union all
select distinct period, school_code, 'can_bo' from staging.stg_csdl__can_bo
union all
select distinct period, school_code, 'lop_ket_qua' from staging.stg_csdl__ket_qua
union all
select distinct period, school_code, 'tot_nghiep' from staging.stg_csdl__tot_nghiep
union all
select distinct period, school_code, 'may_tinh_cho_em' from staging.stg_programme__thiet_bi
union all
select distinct period, school_code, 'may_tinh_nhu_cau' from staging.stg_programme__nhu_cau_thiet_bi
union all
select distinct period, school_code, 'may_tinh_truong' from staging.stg_programme__may_tinh_truong
union all
select distinct period, school_code, 'tiem_chung' from staging.stg_programme__tiem_chung
