#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("no Chinese font for PDFs: on Linux install fonts-noto-cjk; on Windows or macOS the font ships with Surety Desk (fonts\\NotoSansCJKsc-Regular.otf beside the program): reinstall it; or set SURETY_PDF_FONT=/path/to/font.ttc#index (tried: {0})")]
    FontMissing(String),
    #[error("the spreadsheet cannot be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("the spreadsheet cannot be encrypted: {0}")]
    Encrypt(std::io::Error),
    #[error("the archive cannot be written: {0}")]
    Archive(String),
}

impl DocsError {
    pub fn code(&self) -> &'static str {
        match self {
            DocsError::FontMissing(_) => "FONT_MISSING",
            DocsError::Xlsx(_) => "XLSX",
            DocsError::Encrypt(_) => "XLSX",
            DocsError::Archive(_) => "ARCHIVE",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            DocsError::FontMissing(t) => format!(
                "找不到打印所需的中文字体：Linux 请安装 fonts-noto-cjk；Windows 和 macOS 的字体随程序安装（程序目录下 fonts\\NotoSansCJKsc-Regular.otf），请重新安装；或设置 SURETY_PDF_FONT=字体文件路径#序号（已查找：{t}）"
            ),
            DocsError::Xlsx(_) => "无法生成电子表格（详情见英文说明）".into(),
            DocsError::Encrypt(_) => "无法加密电子表格（详情见英文说明）".into(),
            DocsError::Archive(_) => "无法生成加密压缩包（详情见英文说明）".into(),
        }
    }
}

pub type DocsResult<T> = Result<T, DocsError>;
